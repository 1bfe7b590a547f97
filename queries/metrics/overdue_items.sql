-- Overdue valid requests (诉求 whose source tracks replies) published in [$start, $end) that match the
-- filters, as of as_of:
--   超期未答复  no reply as of as_of and open for more than $overdue_days days (NULL: 15)
--   超期答复    replied (by as_of) more than $overdue_days days after publication
-- $overdue_kind picks one kind (NULL: both). days = days open (超期未答复) or days to reply (超期答复).
-- as_of = $as_of, or when NULL the earlier of $end and now. Titles are the masked copies.
with params as (
    select coalesce(cast($as_of as timestamp), least(cast($filters['end'] as timestamp), localtimestamp)) as as_of,
           coalesce(cast($overdue_days as double), 15) as limit_days
),
scoped as (
    select
        i.*,
        i.replied_at is not null and i.replied_at <= p.as_of as replied,
        epoch(i.replied_at - i.published_at) / 86400.0 as reply_days,
        greatest(epoch(p.as_of - i.published_at) / 86400.0, 0) as open_days,
        p.limit_days
    from filtered_requests($filters)
             as i,
         params as p
    where i.is_valid and i.reply_tracked
),
overdue as (
    select
        *,
        case when replied then '超期答复' else '超期未答复' end as overdue_kind,
        case when replied then reply_days else open_days end as days
    from scoped
    where (not replied and open_days > limit_days) or (replied and reply_days > limit_days)
)
select
    id,
    overdue_kind,
    round(days, 1) as days,
    published_at,
    case when replied then replied_at end as replied_at,
    department,
    department_level,
    category,
    region,
    channel,
    title
from overdue
where $overdue_kind is null or overdue_kind = $overdue_kind
order by overdue_kind desc, days desc, published_at, id
limit $limit
