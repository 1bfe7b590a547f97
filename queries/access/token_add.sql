-- A new login's token (its sha256 only).
insert into login_tokens (token_hash, user_name, login_at, last_seen) values ($token_hash, $user, $now, $now)
