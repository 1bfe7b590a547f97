-- The choices of the sidebar filters: every value of category, channel, region, department and
-- sentiment in the store, labelled as filtered_items() matches them (未分类 / 未标注 / 未评分).
-- Deliberately independent of the other filters (choosing a category must not hide the others):
-- total counts all items; in_period counts those published in [$start, $end) (NULL = unbounded).
-- Ordered for the widgets: the values most frequent in the period first, then over all time.
-- $filters carries only the account's data scope (core/access/choke): a department account is offered,
-- and counts, its own items only.
with scoped as (
    select
        category,
        channel,
        region,
        department,
        sentiment,
        ($start is null or published_at >= $start) and ($end is null or published_at < $end) as in_period
    from filtered_items($filters)
),
long as (
    select 'category' as dimension, category as value, in_period from scoped
    union all
    select 'channel', channel, in_period from scoped
    union all
    select 'region', region, in_period from scoped
    union all
    select 'department', department, in_period from scoped
    union all
    select 'sentiment', sentiment, in_period from scoped
)
select
    dimension,
    value,
    count(*) as total,
    count(*) filter (where in_period) as in_period
from long
group by dimension, value
order by dimension, in_period desc, total desc, value
