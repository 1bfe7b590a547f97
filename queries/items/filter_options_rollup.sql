-- items/filter_options.sql from item_counts (the sidebar's choices on every page): only when $start, $end
-- and the period of $filters lie on 8-hour bucket boundaries (or are open) and no data scope or other
-- filter is set (core/rollups.py decides).
select
    dimension,
    value,
    sum(items)::bigint as total,
    coalesce(sum(items) filter (where ($start is null or bucket >= $start) and ($end is null or bucket < $end)),
             0)::bigint as in_period
from item_counts
where dimension in ('category', 'channel', 'region', 'department', 'sentiment')
  and ($filters['start'] is null or bucket >= $filters['start']) and ($filters['end'] is null or bucket < $filters['end'])
group by dimension, value
order by dimension, in_period desc, total desc, value
