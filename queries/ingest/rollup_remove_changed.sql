-- Before a changed item's terms are replaced: take its old terms out of term_rollup, under its
-- old bucket and category (a negative delta; see schema/005_term_rollup.sql).
insert into term_rollup
select term_bucket(i.published_at), category_shown(i.category), t.term, -count(*), -sum(t.n)
from items i
join item_terms t on t.item_id = i.id
where i.id in (select id from staged_changes where is_changed)
group by all
