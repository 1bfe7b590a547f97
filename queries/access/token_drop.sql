-- A login ended: logged out, expired, or its account disabled or changed.
delete from login_tokens where token_hash = $token_hash
