-- Offending rows: a predicted category beside a source category (refresh_predictions clears it), a
-- prediction without a confidence in [0, 1], or a predicted category the model does not have.
select id, category, category_predicted, category_confidence
from items
where (category_predicted is not null or category_confidence is not null)
  and (category is not null
       or category_predicted is null
       or category_confidence is null or category_confidence < 0 or category_confidence > 1
       or category_predicted not in (select category from category_classes))
