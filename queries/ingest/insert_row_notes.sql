-- Notes on rows that loaded, but not as written (staged_notes: line, item_id, note).
insert into row_notes (ingest_file_id, file_name, line, item_id, note)
select $file_id, $file_name, n.line, n.item_id, n.note
from staged_notes as n
