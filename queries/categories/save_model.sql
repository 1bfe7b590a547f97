-- The one row describing the model in the tables (replaces the previous one).
insert or replace into category_model (id, trained_at, labelled_items, categories, vocabulary, heldout_items,
                                       heldout_accuracy, temperature, labelled_signature)
select 1, $trained_at, $labelled_items, (select count(*) from category_classes),
       (select count(distinct term) from category_terms), $heldout_items, $heldout_accuracy, $temperature,
       coalesce($labelled_signature, '')
where $trained_at is not null
