-- The ingest manifest, newest first; $status filters (NULL = all).
-- rows_read = loaded_new + updated + unchanged_duplicates + lossy_duplicates + rejected.
select
    id, file_name, status, started_at, finished_at, rows_read, loaded_new, updated,
    unchanged_duplicates, lossy_duplicates, rejected, demo_removed, first_error, message, encoding, mapping,
    tracks_replies, tracks_satisfaction, size_bytes, sha256, duplicate_of, archive_path, report_path,
    columns_mapped
from ingest_files
where $status is null or status = $status
order by id desc
limit coalesce($limit, 500)
