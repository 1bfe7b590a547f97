-- alerts/daily_counts.sql from item_counts: only for a period on 8-hour bucket boundaries, days starting at
-- 0, 8 or 16 o'clock and no other filter (core/rollups.py decides).
select
    dimension,
    value,
    day_of(bucket, $day_start_hour) as day,
    sum(items)::bigint as items,
    sum(scored)::bigint as scored,
    sum(negative)::bigint as negative
from item_counts
where dimension in ('category', 'region', 'channel', 'department', 'all')
  and ($filters['start'] is null or bucket >= $filters['start']) and ($filters['end'] is null or bucket < $filters['end'])
group by dimension, value, day
order by dimension, value, day
