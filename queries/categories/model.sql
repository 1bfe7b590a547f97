-- The category model: when it was trained, on what, and how well it did on held-out items (no row:
-- never trained; vocabulary 0: too few labelled items, no model).
select trained_at, labelled_items, categories, vocabulary, heldout_items, heldout_accuracy, temperature,
       labelled_signature
from category_model
