-- Forget the model's term weights (before training it again).
delete from category_terms
