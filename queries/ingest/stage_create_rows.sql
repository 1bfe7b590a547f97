-- A file's prepared rows wait here for the write transaction (core/ingest/staging.py): a temporary
-- table of the staging cursor, typed like the registered slices (enrich.STAGED_SCHEMA), spilled to disk
-- past the memory limit.
create or replace temp table staged as
select * from slice_rows limit 0
