-- The login a token stands for (at most one row).
select user_name, login_at, last_seen from login_tokens where token_hash = $token_hash
