-- Offending rows: (bucket, dimension, value, parent) whose item_counts figures differ from what the items
-- give (counted_buckets, the one definition), are missing, should not be there, or are held twice.
with actual as (
    select * from counted_buckets(null, null)
),
counted as (
    select bucket, dimension, value, parent, count(*) as copies,
           sum(items) as items, sum(scored) as scored, sum(negative) as negative, sum(positive) as positive,
           sum(requests) as requests, sum(opinion) as opinion, sum(valid_requests) as valid_requests,
           min(first_published) as first_published, max(last_published) as last_published
    from item_counts
    group by all
)
select coalesce(a.bucket, c.bucket) as bucket, coalesce(a.dimension, c.dimension) as dimension,
       coalesce(a.value, c.value) as value, coalesce(a.parent, c.parent) as parent,
       a.items as actual_items, c.items as counted_items, c.copies
from actual as a
full join counted as c
  on c.bucket = a.bucket and c.dimension = a.dimension and c.value = a.value
 and c.parent is not distinct from a.parent
where c.copies is distinct from 1
   or a.items is distinct from c.items or a.scored is distinct from c.scored
   or a.negative is distinct from c.negative or a.positive is distinct from c.positive
   or a.requests is distinct from c.requests or a.opinion is distinct from c.opinion
   or a.valid_requests is distinct from c.valid_requests
   or a.first_published is distinct from c.first_published or a.last_published is distinct from c.last_published
order by 1, 2, 3
limit 100
