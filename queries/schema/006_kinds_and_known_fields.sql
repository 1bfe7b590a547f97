-- Issue 10: figures that stay true when a source lacks a field.
-- kind                  诉求 (request: a department must answer) or 舆情 (web opinion): item_kind() in functions.sql
-- reply_tracked         the item's source provides replies (a file with a reply-time or reply column);
--                       replies, reply rates, response times and overdue counts use only these items
-- satisfaction_tracked  the item's source provides satisfaction ratings
-- region_source         'source' (the file's region column) or 'text' (found in the title or text)
-- is_demo               generated demo data (removed by the first real file, or `demo --remove`)
alter table items add column kind varchar;
alter table items add column reply_tracked boolean default false;
alter table items add column satisfaction_tracked boolean default false;
alter table items add column region_source varchar;
alter table items add column is_demo boolean default false;

-- Per file: which optional fields its source provides, updates refused as lossy, demo items removed.
alter table ingest_files add column tracks_replies boolean;
alter table ingest_files add column tracks_satisfaction boolean;
alter table ingest_files add column lossy_duplicates integer default 0;
alter table ingest_files add column demo_removed integer default 0;

-- Notes on rows that loaded but not as written (a lossy value kept out), with file and line.
create table row_notes (
    ingest_file_id integer not null,
    file_name varchar not null,
    line integer,
    item_id varchar,
    note varchar not null
);

-- Demo batches get their own file kind (their rows are marked 'removed' when the demo items go).
update ingest_files set file_kind = 'demo' where file_kind = 'generated' and starts_with(file_name, '演示数据');

-- Existing stores: what each file mapped is in its manifest; generated batches (demo, fixtures) carry
-- every column.
update ingest_files set
    tracks_replies = file_kind in ('generated', 'demo') or contains(coalesce(columns_mapped, ''), '→replied_at')
                     or contains(coalesce(columns_mapped, ''), '→reply_content'),
    tracks_satisfaction = file_kind in ('generated', 'demo') or contains(coalesce(columns_mapped, ''), '→satisfaction');

update items set
    reply_tracked = replied_at is not null or reply_content is not null
                    or ingest_file_id in (select id from ingest_files where tracks_replies),
    satisfaction_tracked = satisfaction is not null
                           or ingest_file_id in (select id from ingest_files where tracks_satisfaction),
    region_source = case when region is not null then 'source' end,
    is_demo = starts_with(id, 'DEMO-');

update items set kind = item_kind(null, channel, department, reply_tracked, satisfaction_tracked);
