-- trends/volume.sql from item_counts: only for a period on 8-hour bucket boundaries (or none), days starting
-- at 0, 8 or 16 o'clock, a grain of a day or longer and no other filter (core/rollups.py decides). A bucket
-- lies within one day of any such day boundary, so day_of(bucket) is the day of each of its items.
select
    case coalesce($grain, 'day')
        when 'week' then cast(date_trunc('week', day) as timestamp)
        when 'month' then cast(date_trunc('month', day) as timestamp)
        when 'year' then cast(date_trunc('year', day) as timestamp)
        else cast(day as timestamp)
    end as bucket,
    series,
    sum(items)::bigint as items
from (
    select day_of(bucket, $day_start_hour) as day,
           case when $dimension is null then '全部' else value end as series,
           items
    from item_counts
    where dimension = coalesce($dimension, 'all')
      and ($filters['start'] is null or bucket >= $filters['start']) and ($filters['end'] is null or bucket < $filters['end'])
)
group by all
order by bucket, series
