-- The file's accounting: new, changed and unchanged rows. A row that differs from its stored item only
-- by values kept out as lossy ($lossy_lines) is a lossy duplicate, not an unchanged one.
select
    count(*) filter (where is_new) as loaded_new,
    count(*) filter (where is_changed) as updated,
    count(*) filter (where not is_new and not is_changed
                     and not list_contains(coalesce($lossy_lines, []), line)) as unchanged,
    count(*) filter (where not is_new and not is_changed
                     and list_contains(coalesce($lossy_lines, []), line)) as lossy
from staged_changes
