-- How many items have a source category, a predicted one, or neither; the mean confidence.
select
    count(*) filter (where category is not null) as labelled,
    count(*) filter (where category_predicted is not null) as predicted,
    count(*) filter (where category is null and category_predicted is null) as without_category,
    avg(category_confidence) as mean_confidence
from items
