-- Put candidates $ids into issue $issue (入选), or take every candidate out of it ($ids NULL: back to 待选).
update desk_candidates
set issue_id = case when $ids is null then null else $issue end,
    state = case when $ids is null then '待选' else '入选' end,
    updated_at = $now
where ($ids is not null and list_contains($ids, id)) or ($ids is null and issue_id = $issue)
