-- The items matching the filters that have no category from their source, by predicted category (the
-- model of core/analytics/categories.py; '未能预测' when there is none): items, mean confidence, and how many are at
-- least $min_confidence (NULL: 0.8) sure. Predictions are never mixed into the source category.
select
    coalesce(category_predicted, '未能预测') as predicted_category,
    count(*) as items,
    avg(category_confidence) as mean_confidence,
    count(*) filter (where category_confidence >= coalesce($min_confidence, 0.8)) as confident
from filtered_items($filters)
where category = '未分类'
group by 1
order by predicted_category = '未能预测', items desc, predicted_category
