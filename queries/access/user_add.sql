-- A new account ($departments / $regions NULL: no restriction). Fails on an existing name (primary key).
insert into users (name, role, password_hash, disabled, failed_count, locked_until, sso_subject, departments,
                   regions, created_at, updated_at)
values ($user, $role, $password_hash, false, 0, null, $sso_subject, $departments, $regions, $now, $now)
