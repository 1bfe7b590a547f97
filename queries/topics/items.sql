-- The items in the filter with what topic and repeat detection need besides their terms
-- (dashboard/core/analytics/topics.py), in the order that `pos` of topics/item_terms.sql counts.
-- Author, category, channel, region and department are read raw from items: repeats by the same person
-- are found with the author (masked names collide: 张** is many people), and a missing category or
-- department means "not known to be the same desk" (NULL), not the label 未分类 / 未标注. Never shown.
select row_number() over (order by s.published_at, s.id) - 1 as pos,
       s.id,
       s.published_at,
       coalesce(s.likes, 0) as likes,
       i.author,
       i.category,
       i.channel,
       i.region,
       i.department
from filtered_items($filters) as s
join items as i on i.id = s.id
order by pos
