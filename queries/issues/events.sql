-- The history of issue $issue: every state change with who, when and the comment, oldest first.
select happened_at, actor, from_state, to_state, comment
from desk_issue_events
where issue_id = $issue
order by happened_at, rowid
