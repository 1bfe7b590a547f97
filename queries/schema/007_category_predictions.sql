-- Issue 10: a category predicted for items whose source gives none, kept apart from `category`
-- (docs/data-contract.md, "Predicted category"; dashboard/core/categories.py).
-- category_predicted    the classifier's category; NULL for every item that has a source category
-- category_confidence   its calibrated probability (0..1)
alter table items add column category_predicted varchar;
alter table items add column category_confidence double;

-- The model: a multinomial naive Bayes over the stored terms (item_terms), trained from the items
-- that have a source category. One row per category ...
create table category_classes (
    category varchar primary key,
    items integer not null,          -- labelled items of the category it was trained on
    log_prior double not null,       -- ln(items / all labelled items)
    log_unseen double not null       -- ln P(term | category) of a vocabulary term never seen with it
);

-- ... one row per (term, category) seen together: ln P(term | category) - log_unseen.
create table category_terms (
    term varchar not null,
    category varchar not null,
    n bigint not null,               -- occurrences of the term in the category's items
    weight double not null,
    primary key (term, category)
);

-- ... and one row saying what it is (no row: never trained).
create table category_model (
    id integer primary key,          -- always 1
    trained_at timestamp not null,
    labelled_items integer not null,
    categories integer not null,
    vocabulary integer not null,     -- terms in the model (0: too few labelled items, no model)
    heldout_items integer,           -- labelled items held out to measure it (category_fold(id) = 0)
    heldout_accuracy double,         -- share of them predicted right by the model trained without them
    temperature double,              -- divides the scores before the softmax (fitted on the held-out items)
    labelled_signature varchar not null   -- which labelled items it was trained on (retrain when it changes)
);
