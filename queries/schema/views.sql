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

-- The labelled items a category model learns from: every item with a source category, except fold
-- `p_holdout_fold` (NULL: none held out).
create or replace macro category_training_items(p_holdout_fold) as table
select id, category
from items
where category is not null
  and (p_holdout_fold is null or category_fold(id) <> p_holdout_fold);

-- The naive Bayes score of every category for the items of `p_scope`: 'heldout' (labelled items of fold
-- `p_fold`), 'unlabelled' (every item without a source category) or 'unpredicted' (those without a
-- prediction yet). score = (ln P(category) + Σ n × ln P(term | category)) / Σ n over the item's terms in
-- the model's vocabulary: the naive Bayes log-posterior per term, so that a long item's scores are not
-- spread further apart than a short one's just by its length (the best category is the same; the
-- calibrated confidence is far more honest: bench/category_eval.py). An item with no such term gets no
-- score (nothing to predict from).
create or replace macro category_scores(p_scope, p_fold) as table
with target as (
    select id, category as actual
    from items
    where case p_scope
              when 'heldout' then category is not null and category_fold(id) = p_fold
              when 'unlabelled' then category is null
              when 'unpredicted' then category is null and category_predicted is null
              else false
          end
),
-- one join of the item terms with the (small) model: share = 1 / the categories a term has a row for,
-- so Σ n × share over an item's rows is the count of its vocabulary terms, without a second join
weights as (
    select term, category, weight, 1 / count(*) over (partition by term) as share
    from category_terms
),
seen as (
    select t.item_id, w.category, sum(t.n * w.weight) as s, sum(t.n * w.share) as n
    from item_terms t
    join weights w on w.term = t.term
    semi join target g on g.id = t.item_id
    group by all
),
known as (select item_id, sum(n) as n from seen group by item_id)
select g.id as item_id, g.actual, c.category,
       (c.log_prior + k.n * c.log_unseen + coalesce(s.s, 0)) / k.n as score
from target g
join known k on k.item_id = g.id
cross join category_classes c
left join seen s on s.item_id = g.id and s.category = c.category;
