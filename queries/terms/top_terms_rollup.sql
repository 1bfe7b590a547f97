-- terms/top_terms.sql from term_rollup: only for a period on 8-hour bucket boundaries (or none) and
-- categories; the other filters must be unset.
select term,
       sum(n)::bigint as count,
       sum(items)::bigint as items
from term_rollup
where ($filters['start'] is null or bucket >= $filters['start']) and ($filters['end'] is null or bucket < $filters['end'])
  and ($filters['categories'] is null or list_contains($filters['categories'], category))
group by term
having sum(items) > 0
order by count desc, items desc, term
limit coalesce($limit, 200)
