-- Predict the category of items without a source category: every one ($all) or those without a
-- prediction yet. The confidence is the softmax of the scores divided by the model's temperature, taken
-- at the best category (a calibrated probability: see categories.py).
update items set
    category_predicted = p.category,
    category_confidence = p.confidence
from (
    select item_id,
           arg_max(category, score) as category,
           1 / sum(exp((score - best) / m.temperature)) as confidence
    from (select *, max(score) over (partition by item_id) as best
          from category_scores(case when coalesce($all, false) then 'unlabelled' else 'unpredicted' end, null))
    cross join (select temperature from category_model where vocabulary > 0) as m
    group by item_id, m.temperature
) as p
where items.id = p.item_id
