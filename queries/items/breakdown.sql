-- How many items matching the filters each value of channel, region and department has (the special
-- report's 主要来源渠道 / 涉及地区 / 涉及单位): dimension, value, items; most items first.
with scoped as (
    select channel, region, department
    from filtered_items($filters)
),
long as (
    select 'channel' as dimension, channel as value from scoped
    union all
    select 'region', region from scoped
    union all
    select 'department', department from scoped
)
select dimension, value, count(*) as items
from long
group by dimension, value
order by dimension, items desc, value
