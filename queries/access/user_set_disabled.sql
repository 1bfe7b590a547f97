-- Disable (or enable again) an account.
update users set disabled = $disabled, updated_at = $now where name = $user
