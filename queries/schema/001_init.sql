-- The store's tables. Applied once by store.migrate(); later changes go in 002_*.sql.
create sequence ingest_file_seq start 1;

-- One row per ingest attempt of a file (or a demo batch): the manifest.
-- rows_read = loaded_new + updated + unchanged_duplicates + rejected, always.
create table ingest_files (
    id integer primary key,
    file_name varchar not null,
    source_path varchar,
    sha256 varchar not null,
    size_bytes bigint,
    file_mtime timestamp,
    file_kind varchar,
    encoding varchar,
    mapping varchar,
    status varchar not null,          -- loaded | quarantined | duplicate_file | failed
    started_at timestamp not null,
    finished_at timestamp,
    rows_read integer not null default 0,
    loaded_new integer not null default 0,
    updated integer not null default 0,
    unchanged_duplicates integer not null default 0,
    rejected integer not null default 0,
    first_error varchar,
    message varchar,
    duplicate_of integer,
    columns_mapped varchar,
    archive_path varchar,
    report_path varchar
);

-- The canonical items (docs/data-contract.md). Times are Asia/Shanghai local.
create table items (
    id varchar primary key,
    title varchar,
    content varchar,
    published_at timestamp not null,
    channel varchar,
    source varchar,
    category varchar,
    subcategory varchar,
    region varchar,
    department varchar,
    department_level varchar,
    is_valid boolean not null default true,
    replied_at timestamp,
    reply_content varchar,
    satisfaction varchar,
    sentiment varchar,
    author varchar,
    likes integer,
    dislikes integer,
    url varchar,
    extra json,
    title_masked varchar,
    content_masked varchar,
    reply_masked varchar,
    pii_kinds varchar[],
    ingest_file_id integer not null,
    source_line integer,
    ingested_at timestamp not null,
    updated_at timestamp not null
);

-- Word-cloud terms per item, made once at ingest (never at request time).
create table item_terms (
    item_id varchar not null,
    term varchar not null,
    n smallint not null
);

-- Every refused row, with the file, line and reason.
create table rejected_rows (
    ingest_file_id integer not null,
    file_name varchar not null,
    line integer,
    reason varchar not null,
    raw json
);

create table app_meta (
    key varchar primary key,
    value varchar
);
