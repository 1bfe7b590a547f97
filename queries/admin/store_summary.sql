-- Headline facts about the store: "数据截至 …".
select
    (select count(*) from items) as items,
    (select min(published_at) from items) as first_published,
    (select max(published_at) from items) as last_published,
    (select max(finished_at) from ingest_files where status = 'loaded') as last_ingest,
    (select count(*) from ingest_files where status = 'loaded') as files_loaded,
    (select count(*) from rejected_rows) as rows_rejected
