-- Headline counts of the items matching the filters (KPI cards; run again for the previous period
-- and the same period a year before to get 环比 / 同比).
-- scored: items with a sentiment; negative / positive: 负面 / 正面 among them.
-- valid: 有效诉求; replied: valid items with a reply. first/last_published: the span actually covered.
select
    count(*) as items,
    count(sentiment) as scored,
    count(*) filter (where sentiment = '负面') as negative,
    count(*) filter (where sentiment = '正面') as positive,
    count(*) filter (where is_valid) as valid,
    count(*) filter (where is_valid and replied_at is not null) as replied,
    min(published_at) as first_published,
    max(published_at) as last_published
from filtered_items($start, $end, $categories, $channels, $regions, $departments, $sentiments, $keyword)
