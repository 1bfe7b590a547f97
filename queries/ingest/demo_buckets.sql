-- The 8-hour buckets (item_counts) that hold demo items: counted again once they are removed.
select distinct term_bucket(published_at) as bucket from items where is_demo
