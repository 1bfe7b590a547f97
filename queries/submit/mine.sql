-- An informant's own submissions, newest first, with what became of each ($submitter is always the
-- logged-in account: core/access/choke.py sets it).
select o.item_id as id, o.submitted_at, i.title, o.content_kind, o.urgency, o.outcome, o.year, o.number
from submission_outcomes() o
join items_shown i on i.id = o.item_id
where o.submitter = $submitter
order by o.submitted_at desc, o.item_id
