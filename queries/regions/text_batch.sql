-- The next batch of items whose region may be found from their text (none from the source), by id:
-- the raw title and content, as at ingest.
select id, title, content
from items
where region_source is distinct from 'source'
  and ($after is null or id > $after)
order by id
limit $limit
