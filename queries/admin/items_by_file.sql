-- How many items each ingest currently provides (last writer wins).
select ingest_file_id, count(*) as items
from items
group by ingest_file_id
order by ingest_file_id
