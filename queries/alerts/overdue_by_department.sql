-- Per department (未标注 for none): valid requests whose source tracks replies, published in [$start, $end) that match the filters and
-- have no reply as of as_of although published more than $overdue_days days (NULL: 15) before it, and
-- how long the oldest has waited (days). Only departments with at least one such item.
-- as_of = $as_of, or when NULL the earlier of $end and now. The items: metrics/overdue_items with
-- $overdue_kind = '超期未答复'.
with params as (
    select coalesce(cast($as_of as timestamp), least(cast($filters['end'] as timestamp), localtimestamp)) as as_of,
           coalesce(cast($overdue_days as double), 15) as limit_days
),
open_items as (
    select i.department,
           greatest(epoch(p.as_of - i.published_at) / 86400.0, 0) as open_days,
           p.limit_days
    from filtered_requests($filters)
             as i,
         params as p
    where i.is_valid and i.reply_tracked and (i.replied_at is null or i.replied_at > p.as_of)
)
select department, count(*) as overdue_open, max(open_days) as oldest_days
from open_items
where open_days > limit_days
group by department
order by department
