-- Forget the model's categories (before training it again).
delete from category_classes
