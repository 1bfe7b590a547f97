-- For rising terms (dashboard/core/terms.py scores them): per term, the items using it in
-- [$start, $end) (`count`) and in the previous period of equal length (`prev_count`), for terms
-- used by at least $min_count items (default 5) in the period. Any filter; needs a period.
-- terms/rising_terms_rollup.sql gives the same from term_rollup.
with f as (
    select id
    from filtered_items(struct_update($filters, start := cast($filters['start'] as timestamp)
                                               - (cast($filters['end'] as timestamp) - cast($filters['start'] as timestamp))))
)
select it.term,
       count(*) filter (where it.published_at >= $filters['start']) as count,
       count(*) filter (where it.published_at < $filters['start']) as prev_count
from item_terms it
join f on f.id = it.item_id
where it.published_at >= cast($filters['start'] as timestamp) - (cast($filters['end'] as timestamp) - cast($filters['start'] as timestamp))
  and it.published_at < $filters['end']
group by it.term
having count(*) filter (where it.published_at >= $filters['start']) >= coalesce($min_count, 5)

-- a fixed order: the same store gives the same rows in the same order (core/analytics/terms.py ranks them)
order by term
