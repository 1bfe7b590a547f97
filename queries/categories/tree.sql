-- Items per category and subcategory (一级 / 二级分类) for items matching the filters: the treemap.
-- Missing values are labelled 未分类, as filtered_items() matches them.
select
    coalesce(category, '未分类') as category,
    coalesce(subcategory, '未分类') as subcategory,
    count(*) as items
from filtered_items($start, $end, $categories, $channels, $regions, $departments, $sentiments, $keyword)
group by all
order by category, items desc, subcategory
