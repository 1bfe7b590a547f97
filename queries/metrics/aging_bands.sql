-- Open requests (valid, source tracks replies, no reply as of as_of) published in [$start, $end) by how long they have been open:
-- ≤3天, 4–7天, 8–15天, 16–30天, >30天 (elapsed time: "4–7天" is more than 3 and at most 7 days).
-- Every band is returned, with 0 when empty. as_of = $as_of, or when NULL the earlier of $end and now.
with params as (
    select coalesce(cast($as_of as timestamp), least(cast($filters['end'] as timestamp), localtimestamp)) as as_of
),
bands (band_order, band, low_days, high_days) as (
    values (1, '≤3天', null, 3), (2, '4–7天', 3, 7), (3, '8–15天', 7, 15), (4, '16–30天', 15, 30),
           (5, '>30天', 30, null)
),
open_items as (
    select greatest(epoch(p.as_of - i.published_at) / 86400.0, 0) as open_days
    from filtered_requests($filters)
             as i,
         params as p
    where i.is_valid and i.reply_tracked and (i.replied_at is null or i.replied_at > p.as_of)
)
select b.band_order, b.band, count(o.open_days) as items
from bands as b
left join open_items as o
    on (b.low_days is null or o.open_days > b.low_days)
   and (b.high_days is null or o.open_days <= b.high_days)
group by b.band_order, b.band
order by b.band_order
