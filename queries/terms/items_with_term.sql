-- The items in the filter that use $term (drill-down from a word cloud or a rising term), newest
-- first, with how often they use it. Title and content have personal data masked.
select f.id,
       f.title,
       f.content,
       f.published_at,
       f.channel,
       f.category,
       f.region,
       f.department,
       coalesce(f.likes, 0) as likes,
       f.sentiment,
       it.n as term_count
from filtered_items($filters) f
join item_terms it on it.item_id = f.id
where it.term = $term
  and ($filters['start'] is null or it.published_at >= $filters['start']) and ($filters['end'] is null or it.published_at < $filters['end'])
order by f.published_at desc, f.id
limit coalesce($limit, 500)
