-- The refused rows of one ingest (file, line, reason, original cells).
select ingest_file_id, file_name, line, reason, raw
from rejected_rows
where ingest_file_id = $file_id
order by line
