-- The 8-hour buckets (item_counts) of the new and changed items of the staged file: read once before the
-- changed items are updated (their old times) and once after (their new times and the new items).
select distinct term_bucket(published_at) as bucket
from items
where id in (select id from staged_changes where is_new or is_changed)
