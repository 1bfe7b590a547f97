-- The categories of the naive Bayes model (after train_terms, with the same $holdout_fold): prior and
-- the log-probability of a vocabulary term never seen with the category (Lidstone smoothing).
insert or replace into category_classes (category, items, log_prior, log_unseen)
with labelled as (select category, count(*) as items from category_training_items($holdout_fold) group by all),
totals as (select category, sum(n) as n from category_terms group by all),
vocabulary as (select count(distinct term) as size from category_terms)
select l.category, l.items,
       ln(l.items / sum(l.items) over ()),
       ln(category_smoothing() / (coalesce(t.n, 0) + category_smoothing() * greatest(v.size, 1)))
from labelled l
left join totals t on t.category = l.category
cross join vocabulary v
