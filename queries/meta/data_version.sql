-- Grows with every ingest attempt that commits; pages key their caches on it.
select coalesce(max(id), 0) as version from ingest_files
