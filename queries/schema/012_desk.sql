-- The editorial desk (issue 15; docs/workflow.md): informants' submissions, the editors' candidates, the
-- numbered 《重要舆情摘报》 issues a leader signs, and each issue's history.
-- An informant's submission is an item (channel 信息员报送, loaded through the ingest rules); who submitted
-- it is kept only here, read only by desk queries (core/access/choke.py lets editors and administrators run them).
alter table users add column unit varchar;                        -- an informant's unit (for per-unit figures)
alter table users add column desk boolean default false;          -- an analyst with the desk right = an editor

create table submissions (
    item_id varchar primary key,      -- items.id
    submitter varchar not null,       -- users.name
    unit varchar,                     -- the submitter's unit when submitting
    content_kind varchar not null,    -- one of core/desk/kinds.CONTENT_KINDS
    urgency varchar not null,         -- 一般 / 紧急 / 特急
    link varchar,
    submitted_at timestamp not null
);

create sequence desk_candidate_id start 1;
-- One row per candidate on the desk. state: 待选 (new) / 入选 (in an issue) / 搁置 (set aside, with reason)
-- / 已合并 (merged into merged_into, whose item_ids now include its own).
create table desk_candidates (
    id bigint primary key default nextval('desk_candidate_id'),
    origin varchar not null,          -- 信息员报送 / 预警 / 热点话题 / 明细 / 机器草稿
    source_key varchar,               -- what it came from (alert key, topic key, item id): one candidate each
    headline varchar not null,        -- masked text, as the product shows it
    item_ids varchar[] not null,
    content_kind varchar,
    editor_note varchar,              -- 编者按
    wording varchar,                  -- the text that goes into the issue
    state varchar not null default '待选',
    reason varchar,                   -- why it was set aside
    merged_into bigint,
    issue_id bigint,
    added_by varchar not null,
    added_at timestamp not null,
    updated_at timestamp not null
);

create sequence desk_issue_id start 1;
-- state: 草稿 / 待审 / 已签发 / 退回. number (第 N 期 of `year`) is set only when a leader signs it; the
-- signed DOCX is kept as issued. A number is never reused: desk_numbers keeps the last one of each year.
create table desk_issues (
    id bigint primary key default nextval('desk_issue_id'),
    state varchar not null,
    title varchar not null,
    recipients varchar[] not null,
    created_by varchar not null,
    created_at timestamp not null,
    updated_at timestamp not null,
    signed_by varchar,
    signed_at timestamp,
    year integer,
    number integer,
    docx blob,
    unique (year, number)
);

create table desk_numbers (
    year integer primary key,
    last_number integer not null
);

-- Append-only: every change of an issue's state, with who, when and the comment (a return's reason).
create table desk_issue_events (
    issue_id bigint not null,
    happened_at timestamp not null,
    actor varchar not null,
    from_state varchar,
    to_state varchar not null,
    comment varchar
);
