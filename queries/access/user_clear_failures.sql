-- Clear the failed attempts and the lock-out: a successful login, or a lock-out that has run out.
update users set failed_count = 0, locked_until = null, updated_at = $now where name = $user
