-- Before the demo items are removed: take their terms out of term_rollup (a negative delta, as for a
-- changed item; see schema/005_term_rollup.sql). Runs in the transaction of the real file that replaces them.
insert into term_rollup
select term_bucket(i.published_at), category_shown(i.category), t.term, -count(*), -sum(t.n)
from items as i
join item_terms as t on t.item_id = i.id
where i.is_demo
group by all
