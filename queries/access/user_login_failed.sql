-- One more failed login; at $max_failures in a row the account is locked until $locked_until.
update users
set failed_count = failed_count + 1,
    locked_until = case when failed_count + 1 >= $max_failures then $locked_until else locked_until end,
    updated_at = $now
where name = $user
