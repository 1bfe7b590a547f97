-- The ingest manifest, newest first; $status filters (NULL = all).
select
    id, file_name, status, started_at, finished_at, rows_read, loaded_new, updated,
    unchanged_duplicates, rejected, first_error, message, encoding, mapping, size_bytes, sha256,
    duplicate_of, archive_path, report_path, columns_mapped
from ingest_files
where $status is null or status = $status
order by id desc
limit coalesce($limit, 500)
