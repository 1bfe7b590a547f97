-- Set a candidate aside (搁置, with the reason) or back to 待选 (reason cleared); out of any issue.
update desk_candidates
set state = $state, reason = $reason, issue_id = null, updated_at = $now
where id = $id
