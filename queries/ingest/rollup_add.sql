-- After new and changed items are written: add their terms to term_rollup under their (merged)
-- bucket and category.
insert into term_rollup
select term_bucket(i.published_at), category_shown(i.category), t.term, count(*), sum(t.n)
from staged_terms t
join staged s on s.line = t.line
join staged_changes c on c.id = s.id
join items i on i.id = s.id
where c.is_new or c.is_changed
group by all
order by 1
