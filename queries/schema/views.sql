-- Table macros over the items: applied on every writable start, after the numbered migrations, so a
-- change here reaches every existing store.

-- The staging layer: items as users see them, the one way pages, reports and exports read items.
-- Text and author are the masked copies (personal data detected at ingest); a missing category, channel,
-- region, department or sentiment reads as its label (未分类 / 未标注 / 未评分), so a chart's value selects
-- exactly its items again; the reply status and satisfaction say what is known (来源未提供 / 不适用).
-- Raw text is read only by the short list of queries named in tests/test_shown_text.py.
create or replace view items_shown as
select
    id,
    published_at,
    coalesce(title_masked, title) as title,
    coalesce(content_masked, content) as content,
    coalesce(reply_masked, reply_content) as reply_content,
    author_masked as author,
    label_shown(channel) as channel,
    source,
    category_shown(category) as category,
    category_shown(subcategory) as subcategory,
    category_predicted,
    category_confidence,
    label_shown(region) as region,
    region_source,
    label_shown(department) as department,
    department_level,
    sentiment_shown(sentiment) as sentiment,
    kind,
    is_valid,
    replied_at,
    reply_tracked,
    reply_status(kind, reply_tracked, replied_at) as reply_status,
    satisfaction,
    satisfaction_tracked,
    satisfaction_shown(kind, satisfaction_tracked, satisfaction) as satisfaction_label,
    likes,
    dislikes,
    url,
    is_demo,
    ingest_file_id
from items;

-- The one definition of "items matching the dashboard filters": every query over items reads
-- `from filtered_items($filters)`, $filters being one record (core/filters.Filters.params()) with the
-- fields start, end, categories, channels, regions, departments, sentiments, kinds, keyword, item_ids,
-- scope_departments, scope_regions;
-- a NULL field means "all". The keyword matches the text users are shown (the masked copies): matching
-- raw text would let anyone recover a masked phone number by searching for it.
create or replace macro filtered_items(f) as table
select *
from items_shown
where (f['start'] is null or published_at >= f['start'])
  and (f['end'] is null or published_at < f['end'])
  and (f['categories'] is null or list_contains(f['categories'], category))
  and (f['channels'] is null or list_contains(f['channels'], channel))
  and (f['regions'] is null or list_contains(f['regions'], region))
  and (f['departments'] is null or list_contains(f['departments'], department))
  and (f['sentiments'] is null or list_contains(f['sentiments'], sentiment))
  and (f['kinds'] is null or list_contains(f['kinds'], kind))
  and (f['item_ids'] is null or id in (select unnest(f['item_ids'])))
  -- the account's data scope (a department or region account, core/access): applied here so that no
  -- query over the staging view can read past it
  and (f['scope_departments'] is null or list_contains(f['scope_departments'], department))
  and (f['scope_regions'] is null or list_contains(f['scope_regions'], region))
  and (f['keyword'] is null or contains(title, f['keyword']) or contains(content, f['keyword']));

-- An item's full record as shown (the detail view, exports, the special report's appendix): every column
-- users may see, with the predicted category and the region's source in words and the reply timing.
create or replace macro item_records(f) as table
select
    id,
    published_at,
    title,
    content,
    channel,
    source,
    category,
    subcategory,
    predicted_label(category_predicted, category_confidence) as category_predicted,
    region,
    case region_source when 'text' then '据标题或正文识别' when 'source' then '来源数据' end as region_source,
    department,
    department_level,
    sentiment,
    is_valid,
    kind,
    reply_status,
    replied_at,
    date_diff('second', published_at, replied_at) / 3600.0 as response_hours,
    reply_content,
    satisfaction_label as satisfaction,
    author,
    likes,
    dislikes,
    url
from filtered_items(f);

-- The requests (诉求) among them: what department responsiveness counts (web opinion never does).
create or replace macro filtered_requests(f) as table
select * from filtered_items(f) where kind = '诉求';

-- The rows of item_counts (schema/013_item_counts.sql) for the items published in [lo, hi) (NULL:
-- unbounded): per 8-hour bucket, each value of each dimension as filtered_items reads it, with the
-- figures trends/summary counts. The one definition of those rows: the store is filled from it and an
-- ingest counts the buckets it touched again from it (core/rollups.py); checks/item_counts_mismatch
-- compares the table with it.
create or replace macro counted_buckets(lo, hi) as table
select
    term_bucket(published_at) as bucket,
    case when grouping(category) = 0 and grouping(subcategory) = 0 then 'subcategory'
         when grouping(category) = 0 then 'category'
         when grouping(channel) = 0 then 'channel'
         when grouping(region) = 0 then 'region'
         when grouping(department) = 0 then 'department'
         when grouping(sentiment) = 0 then 'sentiment'
         when grouping(kind) = 0 then 'kind'
         else 'all' end as dimension,
    case when grouping(subcategory) = 0 then subcategory
         else coalesce(category, channel, region, department, sentiment, kind, '全部') end as value,
    case when grouping(subcategory) = 0 then category end as parent,
    count(*) as items,
    count(sentiment) as scored,
    count(*) filter (where sentiment = '负面') as negative,
    count(*) filter (where sentiment = '正面') as positive,
    count(*) filter (where kind = '诉求') as requests,
    count(*) filter (where kind = '舆情') as opinion,
    count(*) filter (where kind = '诉求' and is_valid) as valid_requests,
    min(published_at) as first_published,
    max(published_at) as last_published
from items_shown
where (lo is null or published_at >= lo) and (hi is null or published_at < hi)
group by grouping sets ((term_bucket(published_at)), (term_bucket(published_at), category),
                        (term_bucket(published_at), category, subcategory), (term_bucket(published_at), channel),
                        (term_bucket(published_at), region), (term_bucket(published_at), department),
                        (term_bucket(published_at), sentiment), (term_bucket(published_at), kind));

-- The labelled items a category model learns from: every item with a source category, except fold
-- `p_holdout_fold` (NULL: none held out).
create or replace macro category_training_items(p_holdout_fold) as table
select id, category
from items
where category is not null
  and (p_holdout_fold is null or category_fold(id) <> p_holdout_fold);

-- The naive Bayes score of every category for the items of `p_scope`: 'heldout' (labelled items of fold
-- `p_fold`), 'unlabelled' (every item without a source category) or 'unpredicted' (those without a
-- prediction yet). score = (ln P(category) + Σ n × ln P(term | category)) / Σ n over the item's terms in
-- the model's vocabulary: the naive Bayes log-posterior per term, so that a long item's scores are not
-- spread further apart than a short one's just by its length (the best category is the same; the
-- calibrated confidence is far more honest: bench/category_eval.py). An item with no such term gets no
-- score (nothing to predict from).
create or replace macro category_scores(p_scope, p_fold) as table
with target as (
    select id, category as actual
    from items
    where case p_scope
              when 'heldout' then category is not null and category_fold(id) = p_fold
              when 'unlabelled' then category is null
              when 'unpredicted' then category is null and category_predicted is null
              else false
          end
),
-- one join of the item terms with the (small) model: share = 1 / the categories a term has a row for,
-- so Σ n × share over an item's rows is the count of its vocabulary terms, without a second join
weights as (
    select term, category, weight, 1 / count(*) over (partition by term) as share
    from category_terms
),
seen as (
    select t.item_id, w.category, sum(t.n * w.weight) as s, sum(t.n * w.share) as n
    from item_terms t
    join weights w on w.term = t.term
    semi join target g on g.id = t.item_id
    group by all
),
known as (select item_id, sum(n) as n from seen group by item_id)
select g.id as item_id, g.actual, c.category,
       (c.log_prior + k.n * c.log_unseen + coalesce(s.s, 0)) / k.n as score
from target g
join known k on k.item_id = g.id
cross join category_classes c
left join seen s on s.item_id = g.id and s.category = c.category;

-- Reply substance (答复质量, core/analytics/replies.py): each stored judgement with its verdict under the
-- thresholds given. A template is a blanked text sent to at least `template_min_items` requests in the
-- whole store; boilerplate = acknowledgement only or a template; substantive = neither, relevance at or
-- above `min_relevance` and an action stated (or, for a question, an answer). Reasons in Chinese, '；'-separated.
create or replace macro reply_verdicts(template_min_items, min_relevance, short_chars, overdue_days) as table
with sized as (
    select j.*, count(*) over (partition by template_key) as template_items
    from reply_judgements j
), judged as (
    select *,
           template_items >= template_min_items as is_template,
           relevance < min_relevance as off_point,
           not has_action and not is_question as no_action
    from sized
)
select item_id, reply_chars, relevance, names_found, ack_only, is_question, template_items, has_action, has_actor,
       has_time, reply_days,
       ack_only or is_template as boilerplate,
       not (ack_only or is_template or off_point or no_action) as substantive,
       concat_ws('；',
           case when ack_only then '仅回复已收悉或已转办' end,
           case when is_template then '模板答复（' || template_items || ' 件相同）' end,
           case when not ack_only and off_point then '未回应所提问题' end,
           case when not ack_only and no_action then '未说明办理措施' end,
           case when not ack_only and has_action and not has_actor then '未说明由谁办理' end,
           case when not ack_only and has_action and not has_time then '未说明时间' end,
           case when reply_chars < short_chars then '答复过短（' || reply_chars || ' 字）' end,
           case when reply_days > overdue_days then '超期答复（' || round(reply_days, 1) || ' 天）' end
       ) as reasons
from judged;

-- Every informant submission with what became of it (docs/workflow.md): adopted (采用) only when it went out
-- in a signed issue, itself or through the candidate it was merged into. Who submitted is here: only desk
-- queries and the informant's own list (submit/mine, its submitter set by core/access/choke.py) read it.
create or replace macro submission_outcomes() as table
select s.item_id, s.submitter, s.unit, s.content_kind, s.urgency, s.link, s.submitted_at,
       c.state, c.reason, target.state as target_state, signed.year, signed.number,
       signed.id is not null as adopted,
       desk_outcome(c.state, target.state, signed.state, c.reason) as outcome
from submissions s
left join desk_candidates c on c.origin = '信息员报送' and c.source_key = s.item_id
left join desk_candidates target on target.id = c.merged_into
left join desk_issues signed on signed.id = coalesce(target.issue_id, c.issue_id) and signed.state = '已签发';
