-- Put a candidate on the desk, unless one from the same source ($origin, $source_key) is already there
-- (adding an alert or an item twice is a no-op). Returns the new id (no row: it was there).
insert into desk_candidates (origin, source_key, headline, item_ids, content_kind, wording, state, added_by,
                             added_at, updated_at)
select $origin, $source_key, $headline, $item_ids, $content_kind, $wording, '待选', $user, $now, $now
where not exists (select 1 from desk_candidates where origin = $origin and source_key = $source_key)
returning id
