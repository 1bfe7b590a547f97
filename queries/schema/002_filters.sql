-- Once the filter macros (filtered_items, day_of). They now live in functions.sql and views.sql, which
-- are applied on every start, so a change to them reaches existing stores.
select 1;
