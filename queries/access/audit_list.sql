-- The audit log, newest first ($limit rows; NULL = all), optionally one $action only.
select id, logged_at, user_name, role, action, query_name, parameters, row_count, file_hash, detail
from audit_log
where $action is null or action = $action
order by id desc
limit $limit
