-- The items with these ids ($item_ids), for the detail view: their full records as shown (item_records in
-- queries/schema/views.sql: masked text and author, the reply and its timing). Read through the filters,
-- so an id outside the current view returns nothing.
select *
from item_records($filters)
where id in (select unnest($item_ids))
order by published_at desc, id
