-- The items in the filter with what topic and repeat detection need besides their terms
-- (dashboard/core/topics.py), in the order that `pos` of topics/item_terms.sql counts.
-- `author` is raw personal data: used to find repeats, never shown from here.
select row_number() over (order by published_at, id) - 1 as pos,
       id,
       published_at,
       coalesce(likes, 0) as likes,
       author,
       category,
       channel,
       region,
       department
from filtered_items($start, $end, $categories, $channels, $regions, $departments, $sentiments, $keyword)
order by pos
