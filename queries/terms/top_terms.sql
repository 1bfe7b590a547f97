-- The most used terms among the items in the filter (word cloud): `count` = occurrences,
-- `items` = items that use the term. Stop words were removed when the terms were made (ingest).
-- Any filter; terms/top_terms_rollup.sql gives the same answer faster when only period and category
-- are set (dashboard/core/terms.py chooses). The published_at bounds on item_terms let DuckDB skip
-- the row groups outside the period.
select it.term,
       sum(it.n)::bigint as count,
       count(*) as items
from filtered_items($filters) f
join item_terms it on it.item_id = f.id
where ($filters['start'] is null or it.published_at >= $filters['start']) and ($filters['end'] is null or it.published_at < $filters['end'])
group by it.term
order by count desc, items desc, it.term
limit coalesce($limit, 200)
