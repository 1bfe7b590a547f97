-- A new password hash; clears failed attempts and any lock-out.
update users set password_hash = $password_hash, failed_count = 0, locked_until = null, updated_at = $now
where name = $user
