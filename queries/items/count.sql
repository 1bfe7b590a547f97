-- How many items match the filters (and the optional $subcategories, a drill-down from a
-- subcategory tile; labelled 未分类 when missing): the item list's "共 N 条".
select count(*) as items
from filtered_items($filters)
where $subcategories is null or list_contains($subcategories, subcategory)
