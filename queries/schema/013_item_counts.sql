-- Counts kept at ingest (issue 16): how many items each value of each dimension has per 8-hour bucket
-- (00-08, 08-16, 16-24, as term_rollup: calendar and 08:00 monitoring days are whole buckets). It answers
-- the sidebar's choices, the KPI cards, the volume trends, the category tree, the special report's
-- breakdown and the alerts' daily counts whenever only the period is set (core/rollups.py decides).
-- One dimension per row, not their cross product: on demo data the cross product of channel × subcategory
-- × region × department × sentiment × validity has almost as many rows as there are items (94,890 for
-- 100,000), this table ~120 rows per bucket whatever the volume.
-- Rows are never patched: the buckets an ingest, an update or a removal touches are counted again from the
-- items (counted_buckets in views.sql, the one definition), so a key has exactly one row.
-- The rows are filled by store.migrate after views.sql (store/fill_item_counts), since the definition lives there.
create table item_counts (
    bucket timestamp not null,          -- term_bucket(published_at)
    dimension varchar not null,         -- all | category | subcategory | channel | region | department | sentiment | kind
    value varchar not null,             -- the value as filtered_items reads it (未分类 / 未标注 / 未评分); all: 全部
    parent varchar,                     -- a subcategory row's category
    items bigint not null,
    scored bigint not null,             -- as trends/summary counts them
    negative bigint not null,
    positive bigint not null,
    requests bigint not null,           -- kind 诉求
    opinion bigint not null,            -- kind 舆情
    valid_requests bigint not null,
    first_published timestamp not null,
    last_published timestamp not null
);
