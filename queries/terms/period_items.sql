-- Items in the filter in its period and in the previous period of equal length: the
-- denominators of rising terms' shares.
select count(*) filter (where published_at >= $filters['start']) as items,
       count(*) filter (where published_at < $filters['start']) as prev_items
from filtered_items(struct_update($filters, start := cast($filters['start'] as timestamp)
                                           - (cast($filters['end'] as timestamp) - cast($filters['start'] as timestamp))))
