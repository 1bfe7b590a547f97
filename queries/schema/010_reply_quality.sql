-- Issue 15 (5): reply substance (答复质量). One row per request with a reply, written by
-- core/analytics/replies.py after each ingest and by `python -m dashboard derive`. The judgement's
-- inputs are stored; the verdicts (boilerplate, substantive) are read with the thresholds of the day by
-- the table macro reply_verdicts() in views.sql, so a changed threshold needs no re-judging.
create table reply_judgements (
    item_id varchar primary key,
    judged_hash varchar not null,    -- md5 of the request and reply as judged: re-judged when it changes
    reply_chars integer not null,    -- characters of the reply, blanks removed
    template_key varchar not null,   -- the reply with ids, numbers, dates, places and units blanked
    ack_only boolean not null,       -- nothing but greeting, 已收悉, forwarding (已转…) and thanks
    is_question boolean not null,    -- the request asks a question (咨询…): an informing answer needs no action
    relevance double not null,       -- share of the request's key terms and names the reply takes up (0..1)
    names_found varchar[] not null,  -- names from the request (places, estates, schools…) found in the reply
    has_action boolean not null,     -- says what was done or will be done
    has_actor boolean not null,      -- says by whom
    has_time boolean not null,       -- says when
    reply_days double,               -- days from the request to the reply (NULL: the source gives no time)
    judged_at timestamp not null
);
