-- A new account ($departments / $regions NULL: no restriction; $unit: an informant's unit; $desk: an
-- analyst with the desk right, i.e. an editor). Fails on an existing name (primary key).
insert into users (name, role, password_hash, disabled, failed_count, locked_until, sso_subject, departments,
                   regions, unit, desk, created_at, updated_at)
values ($user, $role, $password_hash, false, 0, null, $sso_subject, $departments, $regions, $unit, coalesce($desk, false), $now, $now)
