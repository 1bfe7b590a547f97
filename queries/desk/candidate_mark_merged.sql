-- Merging: $ids now live in $target (and whatever had been merged into them points at $target too, so
-- a submission's fate is always one step away).
update desk_candidates
set state = '已合并', merged_into = $target, issue_id = null, updated_at = $now
where list_contains($ids, id) or list_contains($ids, merged_into)
