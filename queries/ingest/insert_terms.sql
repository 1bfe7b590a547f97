-- Terms of new and changed rows; staged terms carry the row's line, which names one staged row.
insert into item_terms (item_id, term, n)
select s.id, t.term, t.n
from staged_terms t
join staged s on s.line = t.line
join staged_changes c on c.id = s.id
where c.is_new or c.is_changed
