-- The editor's work on a candidate: its kind, headline, 编者按 and the wording that goes into the issue.
update desk_candidates
set content_kind = $content_kind, headline = $headline, editor_note = $editor_note, wording = $wording,
    updated_at = $now
where id = $id
