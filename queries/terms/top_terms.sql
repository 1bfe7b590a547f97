-- The most used terms among the items in the filter (word cloud): `count` = occurrences,
-- `items` = items that use the term. Stop words were removed when the terms were made (ingest).
select it.term,
       sum(it.n)::bigint as count,
       count(*) as items
from filtered_items($start, $end, $categories, $channels, $regions, $departments, $sentiments, $keyword) f
join item_terms it on it.item_id = f.id
group by it.term
order by count desc, items desc, it.term
limit coalesce($limit, 200)
