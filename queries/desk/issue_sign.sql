-- A leader signs (签发) issue $id: its number, who, when, and the DOCX as issued. Only an issue awaiting
-- approval (待审) can be signed; returns the id when it was.
update desk_issues
set state = '已签发', year = $year, number = $number, signed_by = $user, signed_at = $now, docx = $docx,
    updated_at = $now
where id = $id and state = '待审'
returning id
