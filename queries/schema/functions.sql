-- Scalar macros: the store's rules that are not tables. Applied on every writable start, before the
-- numbered migrations (which may use them), so a change here reaches every existing store.
-- (Table macros and views, which read tables, are in views.sql, applied after the migrations.)

-- The day an instant belongs to when days start at `day_start_hour` (0 = calendar day,
-- 8 = the 08:00-to-08:00 monitoring day: 2019-04-19 07:59 is on 2019-04-18).
create or replace macro day_of(ts, day_start_hour) as
    cast(ts - to_hours(coalesce(day_start_hour, 0)) as date);

-- The 8-hour bucket of term_rollup (00-08, 08-16, 16-24): calendar and monitoring days are whole buckets.
create or replace macro term_bucket(ts) as time_bucket(interval 8 hour, ts);

-- The labels a missing value is shown and filtered by (docs/data-contract.md, "Unknown values"): the same
-- label in every chart, filter, table and rollup, so a chart's 未分类 bar selects exactly its items.
create or replace macro category_shown(category) as coalesce(category, '未分类');
create or replace macro label_shown(value) as coalesce(value, '未标注');
create or replace macro sentiment_shown(sentiment) as coalesce(sentiment, '未评分');

-- The kind of an item by its channel (docs/data-contract.md, "Kind"): 诉求 (a request a department must
-- answer) or 舆情 (web opinion, watched, never "unanswered"); NULL for a channel this table does not know.
create or replace macro channel_kind(channel) as
    case
        when channel in ('留言板', '热线', '电话', '来信', '信访', '网上信访', '传真', '邮件') then '诉求'
        when channel in ('网站', '论坛', '微博', '贴吧', '新闻', '微信', '短视频', '座谈会', '信息员报送') then '舆情'
    end;

-- An item's kind: given by the file (a kind column, or the mapping profile's [kinds] table), else by its
-- channel, else a request when the item has a department or its source tracks replies or satisfaction
-- (something someone must answer), else web opinion.
create or replace macro item_kind(given, channel, department, reply_tracked, satisfaction_tracked) as
    coalesce(given, channel_kind(channel),
             case when department is not null or coalesce(reply_tracked, false)
                       or coalesce(satisfaction_tracked, false) then '诉求' else '舆情' end);

-- True when `new` would only damage the stored text `old`: a copy in which characters were replaced by
-- '?' or U+FFFD (an export to an encoding that lacks them), or cut short (a prefix of it). Padding the
-- stored text had trimmed (NBSP …) may come back as '?' at the ends of such a copy, so the copy is also
-- compared without them (nor the padding ingest trims: normalise.PADDING). Such an update keeps the
-- stored value (docs/data-contract.md, "Lossy updates").
create or replace macro lossy_padding() as
    '?' || chr(65533) || chr(32) || chr(9) || chr(10) || chr(13) || chr(11) || chr(12) || chr(160) || chr(12288)
    || chr(8203) || chr(65279) || chr(8232) || chr(8233);

create or replace macro lossy_prefix_of(copy, old) as
    copy <> '' and length(copy) <= length(old)
    and regexp_matches(old, '^' || regexp_replace(regexp_escape(copy), '\\\?|\x{FFFD}', '.', 'g'), 's');

create or replace macro is_lossy_copy(new, old) as
    new is not null and old is not null and new <> old
    and (regexp_matches(new, '[?\x{FFFD}]') or length(new) < length(old))
    and (lossy_prefix_of(rtrim(new, lossy_padding()), old) or lossy_prefix_of(trim(new, lossy_padding()), old));

-- What an item's reply status is, as shown: web opinion is never "unanswered"; a request whose source
-- does not provide replies is unknown, never 未答复.
create or replace macro reply_status(kind, reply_tracked, replied_at) as
    case when kind = '舆情' then '不适用（网络舆情）'
         when replied_at is not null then '已答复'
         when not coalesce(reply_tracked, false) then '来源未提供'
         else '未答复' end;

-- An item's satisfaction as shown: the rating, 未评价 (the source rates, this one is not rated yet),
-- 来源未提供 (the source does not rate), or 不适用 for web opinion.
create or replace macro satisfaction_shown(kind, satisfaction_tracked, satisfaction) as
    case when kind = '舆情' then '不适用（网络舆情）'
         when satisfaction is not null then satisfaction
         when not coalesce(satisfaction_tracked, false) then '来源未提供'
         else '未评价' end;

-- Category prediction (dashboard/core/categories.py). The fold of a labelled item: fold 0 (a fifth of
-- them, by a hash of the id, so the same items every time) is held out to measure the model.
create or replace macro category_fold(id) as hash(id) % 5;

-- The naive Bayes smoothing: a term's count in a category plus this (a Lidstone prior).
create or replace macro category_smoothing() as 0.5;

-- A predicted category as shown beside the source one: "城乡建设（预测 72%）" (NULL without a prediction).
create or replace macro predicted_label(category_predicted, category_confidence) as
    case when category_predicted is not null
         then category_predicted || '（预测 ' || cast(round(coalesce(category_confidence, 0) * 100) as integer) || '%）'
    end;

-- What became of an informant's submission, as its informant sees it (docs/workflow.md): adopted (采用) only
-- when it went out in a signed issue — an entry a leader did not sign is not adopted.
create or replace macro desk_outcome(state, target_state, signed_state, reason) as
    case when signed_state = '已签发' then '已采用'
         when state = '搁置' then '未采用：' || coalesce(reason, '未说明原因')
         when state = '入选' or target_state = '入选' then '已编入摘报，待领导签发'
         when state = '已合并' then '已与其他线索合并，编辑处理中'
         when state = '待选' then '编辑处理中'
         else '已收到' end;
