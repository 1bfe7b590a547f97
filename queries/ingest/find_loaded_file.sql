-- An earlier load of exactly these bytes (any file name).
select id, file_name, finished_at
from ingest_files
where sha256 = $sha256 and status = 'loaded'
order by id
limit 1
