-- The terms of every item in the filter with their weight, for grouping items into topics and
-- finding near-identical texts (dashboard/core/topics.py keeps each item's 16 strongest).
--   weight = (1 + ln n) * ln((N + 1) / df)^2 * (3 when the term is in the item's title, else 1)
-- n = times the term occurs in the item, N = items in the filter, df = items in the filter that
-- have the term: a term is judged within the period and filter (TF-IDF style; the squared IDF
-- lets rare names of places, estates and cases outweigh the everyday words of a complaint).
-- Terms that cannot link two items (df = 1) and ubiquitous ones (in more than 5% of the items,
-- and more than 50 of them) are left out.
-- Two kinds of rows, to keep the result small: (pos, code, weight) per item and term, where `pos`
-- is the item's place in topics/items.sql (same filter, same order: run both in one transaction)
-- and `code` numbers the terms in sorted order; and (code, term) once per term, with pos NULL.
with f as (
    select id,
           coalesce(title, '') as shown_title,    -- the masked title (items_shown)
           row_number() over (order by published_at, id) - 1 as pos
    from filtered_items($filters)
),
t as (
    select f.pos, it.term, it.n, contains(f.shown_title, it.term) as in_title
    from item_terms it
    join f on f.id = it.item_id
    where ($filters['start'] is null or it.published_at >= $filters['start']) and ($filters['end'] is null or it.published_at < $filters['end'])
),
total as (
    select count(*) as n_items from f
),
vocab as (
    select term, df, row_number() over (order by term) - 1 as code
    from (select term, count(*) as df from t group by term)
    cross join total
    where df >= 2
      and df <= greatest(50, 0.05 * total.n_items)
)
select t.pos,
       vocab.code,
       (1 + ln(t.n)) * pow(ln((total.n_items + 1) / vocab.df), 2) * (case when t.in_title then 3 else 1 end) as weight,
       null as term
from t
join vocab on vocab.term = t.term
cross join total
union all
select null, code, null, term
from vocab
