-- Items per category and subcategory (一级 / 二级分类) for items matching the filters: the treemap.
-- Missing values are labelled 未分类, as filtered_items() matches them.
select
    category,
    subcategory,
    count(*) as items
from filtered_items($filters)
group by all
order by category, items desc, subcategory
