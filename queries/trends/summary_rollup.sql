-- trends/summary.sql from item_counts: only when the period starts and ends on 8-hour bucket boundaries
-- (or is open) and no other filter is set (core/rollups.py decides; the same figures, tested).
select
    coalesce(sum(items), 0)::bigint as items,
    coalesce(sum(scored), 0)::bigint as scored,
    coalesce(sum(negative), 0)::bigint as negative,
    coalesce(sum(positive), 0)::bigint as positive,
    coalesce(sum(requests), 0)::bigint as requests,
    coalesce(sum(opinion), 0)::bigint as opinion,
    coalesce(sum(valid_requests), 0)::bigint as valid_requests,
    min(first_published) as first_published,
    max(last_published) as last_published
from item_counts
where dimension = 'all'
  and ($filters['start'] is null or bucket >= $filters['start']) and ($filters['end'] is null or bucket < $filters['end'])
