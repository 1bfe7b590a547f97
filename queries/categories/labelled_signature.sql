-- What the category model would learn from: the labelled items, their categories, a checksum over
-- (id, category). A model trained on another signature is out of date.
select
    count(*) as labelled_items,
    count(distinct category) as categories,
    coalesce(sum(hash(id, category)), 0)::varchar as checksum
from items
where category is not null
