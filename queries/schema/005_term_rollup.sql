-- Word-cloud terms at the size of a million items and more (issue 6).
-- 1. item_terms carries its item's time and is written in time order, so a query for a period
--    reads only the row groups of that period (DuckDB skips the others by their min/max).
-- 2. term_rollup holds, per 8-hour bucket (00-08, 08-16, 16-24: calendar and 08:00 monitoring days
--    are both whole buckets) and category, how many items use each term and how often. Ingest
--    appends signed deltas (+ for new and changed items, - for the old values of changed items),
--    so a key may have several rows: always sum. checks/term_rollup_mismatch.sql proves it exact.
create table item_terms_by_time as
select t.item_id, t.term, t.n, i.published_at
from item_terms t
join items i on i.id = t.item_id
order by i.published_at, t.item_id;

drop table item_terms;
alter table item_terms_by_time rename to item_terms;

create table term_rollup (
    bucket timestamp not null,     -- start of the item's 8-hour bucket (term_bucket macro)
    category varchar not null,     -- coalesce(category, '未分类'), as filtered_items reads it
    term varchar not null,
    items integer not null,        -- items using the term (signed delta)
    n bigint not null              -- occurrences (signed delta)
);

-- term_bucket() is defined in functions.sql (applied before the migrations).
insert into term_rollup
select term_bucket(i.published_at), coalesce(i.category, '未分类'), t.term, count(*), sum(t.n)
from item_terms t
join items i on i.id = t.item_id
group by all
order by 1;
