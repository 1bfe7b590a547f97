-- Every issue of the desk, newest first, with its entries; $states NULL = all. No docx bytes here.
select d.id, d.state, d.title, d.recipients, d.created_by, d.created_at, d.updated_at, d.signed_by, d.signed_at,
       d.year, d.number, (select count(*) from desk_candidates c where c.issue_id = d.id) as entries
from desk_issues d
where $states is null or list_contains($states, d.state)
order by d.updated_at desc, d.id desc
