-- The stored terms of these requests ($ids, published between $start and $end, so only that period's
-- row groups are read), most frequent first (made at ingest: judging never segments the text again).
with wanted as (
    select unnest($ids) as item_id
)
select t.item_id, list(t.term order by t.n desc, t.term) as terms
from item_terms as t
join wanted as w on w.item_id = t.item_id
where t.published_at between $start and $end
group by t.item_id
