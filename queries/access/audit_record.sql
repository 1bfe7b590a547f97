-- One audit row. The audit log is append-only: no statement in queries/ updates or deletes it.
insert into audit_log (logged_at, user_name, role, action, query_name, parameters, row_count, file_hash, detail)
values ($at, $user_name, $role, $action, $query_name, $parameters, $row_count, $file_hash, $detail)
