-- items/breakdown.sql from item_counts: only for a period on 8-hour bucket boundaries (or none) and no
-- other filter (core/rollups.py decides).
select dimension, value, sum(items)::bigint as items
from item_counts
where dimension in ('channel', 'region', 'department')
  and ($filters['start'] is null or bucket >= $filters['start']) and ($filters['end'] is null or bucket < $filters['end'])
group by dimension, value
order by dimension, items desc, value
