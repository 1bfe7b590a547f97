-- Terms of new and changed rows; staged terms carry the row's line, which names one staged row.
-- Written in time order (see schema/005_term_rollup.sql).
insert into item_terms (item_id, term, n, published_at)
select s.id, t.term, t.n, s.published_at
from staged_terms t
join staged s on s.line = t.line
join staged_changes c on c.id = s.id
where c.is_new or c.is_changed
order by s.published_at, s.id
