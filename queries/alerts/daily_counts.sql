-- Items per day for every value of category, region, channel and department, and in all ('all', '全部'),
-- for items published in [$start, $end) that match the filters. day = day_of(published_at,
-- $day_start_hour): with 8, the monitoring day 08:00 to 08:00 (07:59 belongs to the day before).
-- items: all items; scored: items with a sentiment; negative: sentiment 负面.
-- Values are labelled as filtered_items() matches them (未分类 / 未标注), so an alert's item query
-- can select exactly these items again. Days with no items have no row.
with scoped as (
    select
        day_of(published_at, $day_start_hour) as day,
        category,
        region,
        channel,
        department,
        sentiment
    from filtered_items($filters)
),
long as (
    select 'category' as dimension, category as value, day, sentiment from scoped
    union all
    select 'region', region, day, sentiment from scoped
    union all
    select 'channel', channel, day, sentiment from scoped
    union all
    select 'department', department, day, sentiment from scoped
    union all
    select 'all', '全部', day, sentiment from scoped
)
select
    dimension,
    value,
    day,
    count(*) as items,
    count(sentiment) as scored,
    count(*) filter (where sentiment = '负面') as negative
from long
group by dimension, value, day
order by dimension, value, day
