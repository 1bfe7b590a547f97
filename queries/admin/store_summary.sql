-- Headline facts about the store: "数据截至 …", and whether it holds demo items (every page says so).
select
    (select count(*) from items) as items,
    (select min(published_at) from items) as first_published,
    (select max(published_at) from items) as last_published,
    (select max(finished_at) from ingest_files where status = 'loaded') as last_ingest,
    (select count(*) from ingest_files where status = 'loaded') as files_loaded,
    (select count(*) from rejected_rows) as rows_rejected,
    (select count(*) from items where is_demo) as demo_items,
    (select count(*) from items where not is_demo) as real_items
