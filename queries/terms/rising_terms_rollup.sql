-- terms/rising_terms.sql from term_rollup: period on 8-hour bucket boundaries, categories only.
select term,
       sum(items) filter (where bucket >= $start)::bigint as count,
       coalesce(sum(items) filter (where bucket < $start), 0)::bigint as prev_count
from term_rollup
where bucket >= cast($start as timestamp) - (cast($end as timestamp) - cast($start as timestamp))
  and bucket < $end
  and ($categories is null or list_contains($categories, category))
group by term
having sum(items) filter (where bucket >= $start) >= coalesce($min_count, 5)
