delete from item_terms
where item_id in (select id from staged_changes where is_changed)
