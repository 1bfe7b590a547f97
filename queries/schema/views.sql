-- Table macros over the items: applied on every writable start, after the numbered migrations, so a
-- change here reaches every existing store.

-- The one definition of "items matching the dashboard filters". Every query over items reads
-- `from filtered_items($start, $end, $categories, $channels, $regions, $departments, $sentiments, $keyword)`;
-- a NULL argument means "all".
-- The keyword matches the text users are shown, the masked copies (coalesce(*_masked, raw)): matching the
-- raw text would let anyone recover a masked phone number by searching for it (issue 11). Until roles
-- exist every user sees masked text; a role allowed to read raw text will get its own search here.
create or replace macro filtered_items(p_start, p_end, p_categories, p_channels, p_regions, p_departments,
                                       p_sentiments, p_keyword) as table
select *
from items
where (p_start is null or published_at >= p_start)
  and (p_end is null or published_at < p_end)
  and (p_categories is null or list_contains(p_categories, coalesce(category, '未分类')))
  and (p_channels is null or list_contains(p_channels, coalesce(channel, '未标注')))
  and (p_regions is null or list_contains(p_regions, coalesce(region, '未标注')))
  and (p_departments is null or list_contains(p_departments, coalesce(department, '未标注')))
  and (p_sentiments is null or list_contains(p_sentiments, coalesce(sentiment, '未评分')))
  and (p_keyword is null or contains(coalesce(title_masked, title), p_keyword)
       or contains(coalesce(content_masked, content), p_keyword));

-- The requests (诉求) among them: what department responsiveness counts (web opinion never does).
create or replace macro filtered_requests(p_start, p_end, p_categories, p_channels, p_regions, p_departments,
                                          p_sentiments, p_keyword) as table
select *
from filtered_items(p_start, p_end, p_categories, p_channels, p_regions, p_departments, p_sentiments, p_keyword)
where kind = '诉求';
