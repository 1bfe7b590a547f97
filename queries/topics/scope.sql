-- How many items match the filters (`total`), and from when the newest $cap of them start
-- (`cap_start`) and when the newest is (`last_at`): topics are found among at most $cap items.
with f as (
    select published_at
    from filtered_items($filters)
)
select (select count(*) from f) as total,
       (select min(published_at) from (select published_at from f order by published_at desc limit $cap))
           as cap_start,
       (select max(published_at) from f) as last_at
