-- The login was used at $now (the idle limit counts from here).
update login_tokens set last_seen = $now where token_hash = $token_hash
