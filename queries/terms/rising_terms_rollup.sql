-- terms/rising_terms.sql from term_rollup: period on 8-hour bucket boundaries, categories only.
select term,
       sum(items) filter (where bucket >= $filters['start'])::bigint as count,
       coalesce(sum(items) filter (where bucket < $filters['start']), 0)::bigint as prev_count
from term_rollup
where bucket >= cast($filters['start'] as timestamp) - (cast($filters['end'] as timestamp) - cast($filters['start'] as timestamp))
  and bucket < $filters['end']
  and ($filters['categories'] is null or list_contains($filters['categories'], category))
group by term
having sum(items) filter (where bucket >= $filters['start']) >= coalesce($min_count, 5)

-- a fixed order: the same store gives the same rows in the same order (core/analytics/terms.py ranks them)
order by term
