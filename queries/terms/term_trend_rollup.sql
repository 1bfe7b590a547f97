-- terms/term_trend.sql from term_rollup: period on 8-hour bucket boundaries (or none), categories
-- only, and $day_start_hour a multiple of 8.
select day_of(bucket, $day_start_hour) as day,
       term,
       sum(items)::bigint as items
from term_rollup
where list_contains($words, term)
  and ($filters['start'] is null or bucket >= $filters['start']) and ($filters['end'] is null or bucket < $filters['end'])
  and ($filters['categories'] is null or list_contains($filters['categories'], category))
group by all
having sum(items) > 0
order by day, term
