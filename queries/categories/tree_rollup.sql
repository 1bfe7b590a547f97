-- categories/tree.sql from item_counts: only for a period on 8-hour bucket boundaries (or none) and no
-- other filter (core/rollups.py decides).
select
    parent as category,
    value as subcategory,
    sum(items)::bigint as items
from item_counts
where dimension = 'subcategory'
  and ($filters['start'] is null or bucket >= $filters['start']) and ($filters['end'] is null or bucket < $filters['end'])
group by all
order by category, items desc, subcategory
