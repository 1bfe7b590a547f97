-- Offending rows: an item whose ingest is missing from the manifest.
select i.id, i.ingest_file_id
from items i
left join ingest_files f on f.id = i.ingest_file_id
where f.id is null
