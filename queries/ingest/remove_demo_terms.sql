-- The demo items' terms (remove_demo_rollup has taken them out of term_rollup first).
delete from item_terms where item_id in (select id from items where is_demo)
