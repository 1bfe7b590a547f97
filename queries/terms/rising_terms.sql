-- Rising terms: terms whose share of items rose most in [$start, $end) against the previous period
-- of equal length [$start - ($end - $start), $start), with the other filters the same.
--   count / prev_count   items that use the term in the period / in the previous period
--   share / prev_share   those counts over all items of the period / of the previous period
--   lift                 ((count + 1) / (items + 2)) / ((prev_count + 1) / (prev_items + 2)):
--                        the ratio of the two shares, each smoothed by one item with and one
--                        without the term (Laplace), so a term absent before has a finite lift
--                        and an empty previous period divides by nothing.
-- Only terms used by at least $min_count items (default 5) in the period and whose share rose;
-- strongest lift first. Without a period (start or end NULL) there is nothing to compare: no rows.
with f as (
    select id, published_at >= cast($start as timestamp) as in_period
    from filtered_items(cast($start as timestamp) - (cast($end as timestamp) - cast($start as timestamp)),
                        cast($end as timestamp), $categories, $channels, $regions, $departments,
                        $sentiments, $keyword)
    where $start is not null and $end is not null
),
totals as (
    select count(*) filter (where in_period) as items,
           count(*) filter (where not in_period) as prev_items
    from f
),
counts as (
    select it.term,
           count(*) filter (where f.in_period) as count,
           count(*) filter (where not f.in_period) as prev_count
    from item_terms it
    join f on f.id = it.item_id
    group by it.term
),
scored as (
    select c.term,
           c.count,
           c.prev_count,
           c.count / t.items as share,
           coalesce(c.prev_count / nullif(t.prev_items, 0), 0) as prev_share,
           ((c.count + 1) / (t.items + 2)) / ((c.prev_count + 1) / (t.prev_items + 2)) as lift
    from counts c
    cross join totals t
    where c.count >= coalesce($min_count, 5)
)
select term, count, prev_count, share, prev_share, lift, share - prev_share as share_change
from scored
where lift > 1 and share > prev_share
order by lift desc, count desc, term
limit coalesce($limit, 20)
