-- Items per predicted category, with the mean confidence and how many are at least $min_confidence sure.
select category_predicted as category, count(*) as items, avg(category_confidence) as mean_confidence,
       count(*) filter (where category_confidence >= coalesce($min_confidence, 0.8)) as confident
from items
where category_predicted is not null
group by all
order by items desc, category
