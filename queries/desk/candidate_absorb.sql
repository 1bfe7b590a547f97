-- Merging: the target takes the items of the candidates merged into it ($ids), each item once.
update desk_candidates
set item_ids = list_distinct(flatten([item_ids] || (select list(item_ids) from desk_candidates
                                                   where list_contains($ids, id)))),
    updated_at = $now
where id = $target
