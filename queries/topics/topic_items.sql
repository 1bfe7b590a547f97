-- The items of one topic (or repeat group): the ids come from dashboard/core/analytics/topics.py.
-- As users see them (items_shown: masked title, content and author).
-- $since (optional): none of the items is older, so DuckDB reads only the row groups from then on.
select id,
       title,
       content,
       published_at,
       channel,
       category,
       region,
       department,
       coalesce(likes, 0) as likes,
       sentiment,
       author
from items_shown
where id in (select unnest($item_ids))
  and ($since is null or published_at >= $since)
order by published_at, id
