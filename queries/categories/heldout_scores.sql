-- The score of every category for the labelled items of fold $fold (held out of the model in the
-- tables now): to measure its accuracy and fit its temperature.
select item_id, actual, category, score
from category_scores('heldout', $fold)
order by item_id, category
