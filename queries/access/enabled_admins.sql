-- How many enabled administrators the store has (none: the pages say which command creates one).
select count(*) as admins from users where role = 'admin' and not disabled
