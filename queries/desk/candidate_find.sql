-- One candidate by id (at most one row).
select id, origin, source_key, headline, item_ids, content_kind, editor_note, wording, state, reason,
       merged_into, issue_id, added_by, added_at, updated_at
from desk_candidates
where id = $id
