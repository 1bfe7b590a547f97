-- Every account, without its password hash (for `user list` and the 数据管理 page).
select name, role, disabled, failed_count, locked_until, sso_subject, departments, regions,
       unit, coalesce(desk, false) as desk, created_at, updated_at
from users
order by name
