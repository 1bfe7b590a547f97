-- Term weights of the naive Bayes model from the labelled items (all, or all but fold $holdout_fold).
-- The vocabulary is every term found in at least two training items (a term of one item says nothing
-- about its category). weight = ln((n + α) / α): ln P(term | category) above that of an unseen term.
insert or replace into category_terms (term, category, n, weight)
with counts as (
    select t.term, l.category, sum(t.n) as n, count(*) as items
    from item_terms t
    join category_training_items($holdout_fold) l on l.id = t.item_id
    group by all
),
vocabulary as (select term from counts group by term having sum(items) >= 2)
select c.term, c.category, c.n, ln((c.n + category_smoothing()) / category_smoothing())
from counts c
semi join vocabulary v on v.term = c.term
