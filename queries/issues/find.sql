-- One issue by id, with its DOCX as issued (NULL until signed).
select id, state, title, recipients, created_by, created_at, updated_at, signed_by, signed_at, year, number, docx
from desk_issues
where id = $id
