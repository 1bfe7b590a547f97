-- Earlier attempts at these bytes: failed writes so far (a file is quarantined after
-- YUQING_MAX_ATTEMPTS), the latest failure's reason, and when any attempt last finished (an in-flight
-- marker older than that belongs to an attempt that did finish).
select
    count(*) filter (where status = 'failed') as failures,
    arg_max(message, id) filter (where status = 'failed') as last_failure,
    max(finished_at) as last_finished
from ingest_files
where sha256 = $sha256
