-- Fill item_counts from the items when it has no rows (a new or just migrated store); otherwise nothing.
-- Runs on every writable start, so a store whose filling was interrupted gets it done the next time.
insert into item_counts by name
select * from counted_buckets(null, null)
where not exists (select 1 from item_counts)
