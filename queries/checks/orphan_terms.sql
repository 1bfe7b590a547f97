-- Offending rows: terms whose item is gone.
select t.item_id, count(*) as terms
from item_terms t
anti join items i on i.id = t.item_id
group by t.item_id
