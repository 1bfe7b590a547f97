-- Earlier attempts at these bytes: failed writes since the file was last quarantined (a file is
-- quarantined after YUQING_MAX_ATTEMPTS; moved back into the inbox it starts afresh), the latest
-- failure's reason, and when any attempt last finished (an in-flight marker older than that belongs to
-- an attempt that did finish).
with last_quarantine as (
    select coalesce(max(id), 0) as id
    from ingest_files
    where sha256 = $sha256 and status = 'quarantined'
)
select
    count(*) filter (where f.status = 'failed' and f.id > q.id) as failures,
    arg_max(f.message, f.id) filter (where f.status = 'failed') as last_failure,
    max(f.finished_at) as last_finished
from ingest_files as f, last_quarantine as q
where f.sha256 = $sha256
