-- For rising terms (dashboard/core/terms.py scores them): per term, the items using it in
-- [$start, $end) (`count`) and in the previous period of equal length (`prev_count`), for terms
-- used by at least $min_count items (default 5) in the period. Any filter; needs a period.
-- terms/rising_terms_rollup.sql gives the same from term_rollup.
with f as (
    select id
    from filtered_items(cast($start as timestamp) - (cast($end as timestamp) - cast($start as timestamp)),
                        cast($end as timestamp), $categories, $channels, $regions, $departments,
                        $sentiments, $keyword)
)
select it.term,
       count(*) filter (where it.published_at >= $start) as count,
       count(*) filter (where it.published_at < $start) as prev_count
from item_terms it
join f on f.id = it.item_id
where it.published_at >= cast($start as timestamp) - (cast($end as timestamp) - cast($start as timestamp))
  and it.published_at < $end
group by it.term
having count(*) filter (where it.published_at >= $start) >= coalesce($min_count, 5)
