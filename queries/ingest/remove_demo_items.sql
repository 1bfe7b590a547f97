-- The demo items themselves (after remove_demo_rollup and remove_demo_terms).
delete from items where is_demo
