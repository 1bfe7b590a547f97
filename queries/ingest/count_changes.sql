select
    count(*) filter (where is_new) as loaded_new,
    count(*) filter (where is_changed) as updated,
    count(*) filter (where not is_new and not is_changed) as unchanged
from staged_changes
