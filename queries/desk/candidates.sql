-- The desk's queue: every candidate not merged into another (newest first), with who submitted it when it
-- is an informant's submission — editors and administrators only (core/access/choke.py). $states: NULL = all.
select c.id, c.origin, c.headline, c.content_kind, c.editor_note, c.wording, c.state, c.reason, c.issue_id,
       len(c.item_ids) as items, c.item_ids, s.submitter, s.unit, s.urgency, s.link, c.added_by, c.added_at,
       c.updated_at
from desk_candidates c
left join submissions s on c.origin = '信息员报送' and s.item_id = c.source_key
where c.state <> '已合并'
  and ($states is null or list_contains($states, c.state))
order by case s.urgency when '特急' then 0 when '紧急' then 1 else 2 end, c.added_at desc, c.id desc
