-- One account by its single sign-on subject (users.sso_subject; at most one row).
select name, role, password_hash, disabled, failed_count, locked_until, sso_subject, departments, regions,
       unit, coalesce(desk, false) as desk,
       created_at, updated_at
from users
where sso_subject = $subject
