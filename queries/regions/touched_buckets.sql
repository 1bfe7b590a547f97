-- The 8-hour buckets (item_counts) of the items $item_ids, whose region is being found again.
select distinct term_bucket(published_at) as bucket from items where id in (select unnest($item_ids))
