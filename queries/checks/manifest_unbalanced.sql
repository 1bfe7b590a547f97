-- Offending rows: a file whose counts do not add up to the rows it read.
select id, file_name, rows_read, loaded_new, updated, unchanged_duplicates, lossy_duplicates, rejected
from ingest_files
where rows_read <> loaded_new + updated + unchanged_duplicates + coalesce(lossy_duplicates, 0) + rejected
