insert into rejected_rows (ingest_file_id, file_name, line, reason, raw)
select $file_id, $file_name, r.line, r.reason, r.raw::json
from staged_rejections r
order by r.line
