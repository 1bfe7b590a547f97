-- Rows that loaded, but not exactly as written (a lossy value kept out …), for one file ($file_id) or
-- all (NULL), newest file first: file, line, item and why.
select ingest_file_id, file_name, line, item_id, note
from row_notes
where $file_id is null or ingest_file_id = $file_id
order by ingest_file_id desc, line, note
limit coalesce($limit, 1000)
