-- Every item matching the filters (and the optional $subcategories) with its full record as shown
-- (item_records in queries/schema/views.sql), for the CSV / XLSX export and the special report's appendix;
-- newest first ($oldest_first: oldest first); $limit rows (NULL = all).
select *
from item_records($filters)
where $subcategories is null or list_contains($subcategories, subcategory)
order by case when coalesce($oldest_first, false) then epoch(published_at) else -epoch(published_at) end, id
limit $limit
