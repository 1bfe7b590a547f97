-- The items of one topic (or repeat group): the ids come from dashboard/core/topics.py.
-- Title and content with personal data masked; `author` is raw (the page masks it by role).
-- $since (optional): none of the items is older, so DuckDB reads only the row groups from then on.
select id,
       coalesce(title_masked, title) as title,
       coalesce(content_masked, content) as content,
       published_at,
       channel,
       category,
       region,
       department,
       coalesce(likes, 0) as likes,
       sentiment,
       author
from items
where id in (select unnest($item_ids))
  and ($since is null or published_at >= $since)
order by published_at, id
