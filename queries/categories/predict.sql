-- Predict the category of items without a source category. The confidence is the softmax of the
-- scores divided by the model's temperature, taken at the best category (a calibrated probability: see
-- categories.py). $all (after a retrain): every such item is written, NULL where the new model has
-- nothing to predict from, so no old prediction survives (one pass, no separate clearing); otherwise
-- only items without a prediction that the model can score.
update items set
    category_predicted = p.category,
    category_confidence = p.confidence
from (
    select t.id as item_id, s.category, s.confidence
    from items t
    left join (
        select item_id,
               arg_max(category, score) as category,
               1 / sum(exp((score - best) / m.temperature)) as confidence
        from (select *, max(score) over (partition by item_id) as best
              from category_scores(case when coalesce($all, false) then 'unlabelled' else 'unpredicted' end, null))
        cross join (select temperature from category_model where vocabulary > 0) as m
        group by item_id, m.temperature
    ) as s on s.item_id = t.id
    where t.category is null
      and case when coalesce($all, false) then true
               else s.item_id is not null and t.category_predicted is null end
) as p
where items.id = p.item_id
