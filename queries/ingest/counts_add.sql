-- Count the 8-hour buckets $buckets again from the items (after ingest/counts_clear). $first / $last: the earliest
-- and latest of them, so that only the row groups of that span are read.
insert into item_counts by name
select *
from counted_buckets($first, $last + interval 8 hour)
where bucket in (select unnest($buckets))
