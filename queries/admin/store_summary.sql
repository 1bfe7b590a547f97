-- Headline facts about the store: "数据截至 …", and whether it holds demo items (every page says so).
-- The item facts read through filtered_items($filters), which the pages' query passes with only the
-- account's data scope (core/access/choke): a department account's "共 N 条" counts its own items.
-- NULL (the CLI, the owner's full access) is every item.
with shown as (select published_at, is_demo from filtered_items($filters))
select
    (select count(*) from shown) as items,
    (select min(published_at) from shown) as first_published,
    (select max(published_at) from shown) as last_published,
    (select max(finished_at) from ingest_files where status = 'loaded') as last_ingest,
    (select count(*) from ingest_files where status = 'loaded') as files_loaded,
    (select count(*) from rejected_rows) as rows_rejected,
    (select count(*) from shown where is_demo) as demo_items,
    (select count(*) from shown where not is_demo) as real_items
