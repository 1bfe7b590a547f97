-- Items per category × one other dimension, for items matching the filters: the heatmaps.
-- $dimension: 'region' (default) | 'channel' | 'department' | 'sentiment'. Values are labelled as
-- filtered_items() matches them (未分类 / 未标注 / 未评分), so a cell can select its items again.
select
    category,
    case coalesce($dimension, 'region')
        when 'channel' then channel
        when 'department' then department
        when 'sentiment' then sentiment
        else region
    end as value,
    count(*) as items
from filtered_items($filters)
group by all
order by category, value
