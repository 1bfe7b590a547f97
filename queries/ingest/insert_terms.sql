insert into item_terms (item_id, term, n)
select t.item_id, t.term, t.n
from staged_terms t
join staged_changes c on c.id = t.item_id
where c.is_new or c.is_changed
