-- The responsiveness figures of the requests (诉求; web opinion never counts) published in [$start, $end)
-- that match the filters: one row per department (row_kind 'department'), per group (row_kind 'group':
-- 市直 / 县市区 / 其他 / 未标注) and for all of them (row_kind 'total', group_name '合计').
--   received           every request (valid or not, assigned or not)
--   valid              valid requests (is_valid)
--   reply_known        valid requests whose source provides replies (reply_tracked): the reply rate's base
--   reply_unknown      valid requests whose source says nothing about replies ("来源未提供答复信息")
--   replied            reply_known and replied_at <= as_of
--   satisfaction_known valid requests whose source provides satisfaction: the satisfaction rate's base
--   satisfaction_unknown valid requests whose source says nothing about satisfaction
--   satisfied          satisfaction_known, rated in $satisfied_values (NULL: 满意, 基本满意), and replied
--                      (when the source tracks replies): satisfied ≤ replied
--   open_items         reply_known and not replied as of as_of
--   overdue_open       open for more than $overdue_days days (NULL: 15) as of as_of
--   replied_late       replied more than $overdue_days days after publication
--   response_days_*    reply time (days) of replied requests: median, 90th percentile, slowest
-- as_of = $as_of, or when NULL the earlier of $end and the database's local time.
-- Requests without a department count under 未标注 (group 未标注), in the totals too. A department's group
-- is the level most of its requests carry (ties: the first in 市直, 县市区, 其他 order); none: 其他.
with params as (
    select coalesce(cast($as_of as timestamp), least(cast($filters['end'] as timestamp), localtimestamp)) as as_of,
           coalesce(cast($overdue_days as double), 15) as limit_days,
           coalesce($satisfied_values, ['满意', '基本满意']) as satisfied_values
),
scoped as (
    select
        i.department,
        i.department = '未标注' as unlabelled,
        i.department_level,
        i.is_valid,
        i.is_valid and i.reply_tracked as reply_known,
        i.is_valid and not i.reply_tracked as reply_unknown,
        i.is_valid and i.reply_tracked and i.replied_at is not null and i.replied_at <= p.as_of as replied,
        i.is_valid and i.satisfaction_tracked as satisfaction_known,
        i.is_valid and not i.satisfaction_tracked as satisfaction_unknown,
        i.satisfaction,
        list_contains(p.satisfied_values, i.satisfaction) as is_satisfied_value,
        epoch(i.replied_at - i.published_at) / 86400.0 as reply_days,
        greatest(epoch(p.as_of - i.published_at) / 86400.0, 0) as open_days,
        p.limit_days
    from filtered_requests($filters)
             as i,
         params as p
),
rated as (
    -- a rating counts once the request is answered (or when its source does not track replies)
    select *, satisfaction_known and (replied or not reply_known) as rating_counts
    from scoped
),
levels as (
    select department,
           case when bool_or(unlabelled) then '未标注' else coalesce(department_level, '其他') end as group_name
    from rated
    group by department, department_level
    qualify row_number() over (
        partition by department
        order by count(*) desc,
                 case coalesce(department_level, '其他') when '市直' then 1 when '县市区' then 2 else 3 end
    ) = 1
),
tagged as (
    select r.*, l.group_name
    from rated as r
    join levels as l using (department)
)
select
    case when grouping(group_name) = 1 then 'total'
         when grouping(department) = 1 then 'group'
         else 'department' end as row_kind,
    coalesce(group_name, '合计') as group_name,
    department,
    count(*) as received,
    count(*) filter (where is_valid) as valid,
    count(*) filter (where reply_known) as reply_known,
    count(*) filter (where reply_unknown) as reply_unknown,
    count(*) filter (where replied) as replied,
    count(*) filter (where satisfaction_known) as satisfaction_known,
    count(*) filter (where satisfaction_unknown) as satisfaction_unknown,
    count(*) filter (where rating_counts and is_satisfied_value) as satisfied,
    count(*) filter (where rating_counts and satisfaction = '满意') as very_satisfied,
    count(*) filter (where rating_counts and satisfaction = '基本满意') as basic_satisfied,
    count(*) filter (where rating_counts and satisfaction = '不满意') as unsatisfied,
    count(*) filter (where rating_counts and satisfaction is null) as unrated,
    count(*) filter (where reply_known and not replied) as open_items,
    count(*) filter (where reply_known and not replied and open_days > limit_days) as overdue_open,
    count(*) filter (where replied and reply_days > limit_days) as replied_late,
    median(reply_days) filter (where replied) as response_days_median,
    quantile_cont(reply_days, 0.9) filter (where replied) as response_days_p90,
    max(reply_days) filter (where replied) as response_days_max,
    max(open_days) filter (where reply_known and not replied) as oldest_open_days
from tagged
group by grouping sets ((group_name, department), (group_name), ())
order by grouping(group_name), group_name, grouping(department), department
