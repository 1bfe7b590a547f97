-- The entries of issue $issue as they go into it: kind, headline, 编者按, wording, how many items each
-- stands for (no submitter: leaders read this).
select c.id, c.content_kind, c.headline, c.editor_note, c.wording, len(c.item_ids) as items, c.origin
from desk_candidates c
where c.issue_id = $issue
order by c.id
