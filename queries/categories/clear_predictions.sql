-- Remove predictions: from items that have a source category (a prediction never stands beside one),
-- or, with $all, from every item (before predicting again with a new model).
update items set category_predicted = null, category_confidence = null
where (category_predicted is not null or category_confidence is not null)
  and (coalesce($all, false) or category is not null)
