-- Offending rows: (bucket, category, term) whose rolled-up counts differ from the item terms.
with actual as (
    select term_bucket(i.published_at) as bucket, category_shown(i.category) as category, t.term,
           count(*) as items, sum(t.n) as n
    from item_terms t
    join items i on i.id = t.item_id
    group by all
),
rolled as (
    select bucket, category, term, sum(items) as items, sum(n) as n
    from term_rollup
    group by all
    having sum(items) <> 0 or sum(n) <> 0
)
select coalesce(a.bucket, r.bucket) as bucket, coalesce(a.category, r.category) as category,
       coalesce(a.term, r.term) as term, a.items as actual_items, r.items as rolled_items,
       a.n as actual_n, r.n as rolled_n
from actual a
full join rolled r on r.bucket = a.bucket and r.category = a.category and r.term = a.term
where a.items is distinct from r.items or a.n is distinct from r.n
limit 100
