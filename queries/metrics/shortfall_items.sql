-- The valid requests published in [$start, $end) that keep a department below 100% on a rate their source
-- provides: 未答复 (replies tracked, none by as_of), or — where satisfaction is tracked — 不满意, 未评价
-- (replied, not rated) or a rating not in $satisfied_values (NULL: 满意, 基本满意 count as satisfied).
-- Requests whose source provides neither figure are not listed: they are in no rate.
-- as_of = $as_of, or when NULL the earlier of $end and now. Titles are the masked copies.
with params as (
    select coalesce(cast($as_of as timestamp), least(cast($filters['end'] as timestamp), localtimestamp)) as as_of,
           coalesce($satisfied_values, ['满意', '基本满意']) as satisfied_values
),
scoped as (
    select
        i.*,
        i.reply_tracked and i.replied_at is not null and i.replied_at <= p.as_of as replied,
        list_contains(p.satisfied_values, i.satisfaction) as is_satisfied_value
    from filtered_requests($filters)
             as i,
         params as p
    where i.is_valid
)
select
    id,
    case when reply_tracked and not replied then '未答复'
         when satisfaction is null then '未评价'
         else satisfaction end as status,
    published_at,
    case when replied then replied_at end as replied_at,
    department,
    department_level,
    category,
    region,
    channel,
    title
from scoped
where (reply_tracked and not replied)
   or (satisfaction_tracked and not coalesce(is_satisfied_value, false))
order by department, published_at, id
limit $limit
