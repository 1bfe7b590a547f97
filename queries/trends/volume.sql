-- Items per time bucket, optionally split by one dimension, for items matching the filters.
-- $grain: 'hour' | 'day' (default) | 'week' | 'month' | 'year'. bucket is the bucket's label (a timestamp):
--   hour  the start of the clock hour;
--   day   the date D = day_of(published_at, $day_start_hour) at 00:00 — with 8 the monitoring day
--         D 08:00 to D+1 08:00 (07:59 belongs to the day before);
--   week  the Monday of that day's ISO week; month, year: the first of that day's month, year.
-- $dimension: 'category' | 'channel' | 'region' | 'department' | 'sentiment', or NULL for the total
-- (series '全部'). Values are labelled as filtered_items() matches them (未分类 / 未标注 / 未评分),
-- so a bar can select exactly its items again. Buckets without items have no row.
with scoped as (
    select
        published_at,
        day_of(published_at, $day_start_hour) as day,
        case $dimension
            when 'category' then category
            when 'channel' then channel
            when 'region' then region
            when 'department' then department
            when 'sentiment' then sentiment
            else '全部'
        end as series
    from filtered_items($filters)
)
select
    case coalesce($grain, 'day')
        when 'hour' then date_trunc('hour', published_at)
        when 'week' then cast(date_trunc('week', day) as timestamp)
        when 'month' then cast(date_trunc('month', day) as timestamp)
        when 'year' then cast(date_trunc('year', day) as timestamp)
        else cast(day as timestamp)
    end as bucket,
    series,
    count(*) as items
from scoped
group by all
order by bucket, series
