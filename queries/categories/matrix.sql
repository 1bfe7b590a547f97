-- Items per category × one other dimension, for items matching the filters: the heatmaps.
-- $dimension: 'region' (default) | 'channel' | 'department' | 'sentiment'. Values are labelled as
-- filtered_items() matches them (未分类 / 未标注 / 未评分), so a cell can select its items again.
select
    coalesce(category, '未分类') as category,
    case coalesce($dimension, 'region')
        when 'channel' then coalesce(channel, '未标注')
        when 'department' then coalesce(department, '未标注')
        when 'sentiment' then coalesce(sentiment, '未评分')
        else coalesce(region, '未标注')
    end as value,
    count(*) as items
from filtered_items($start, $end, $categories, $channels, $regions, $departments, $sentiments, $keyword)
group by all
order by category, value
