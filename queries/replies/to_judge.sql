-- Requests with a reply that is not judged yet or changed since (core/analytics/replies.py). Reads the
-- shown (masked) text: judging a reply never needs personal data. `terms`: the request's stored terms,
-- most frequent first (made at ingest, so judging does not segment the text again).
with shown as (
    select id, title, content, reply_content,
           md5(concat_ws('|', title, content, reply_content, cast(replied_at as varchar))) as judged_hash,
           date_diff('second', published_at, replied_at) / 86400.0 as reply_days
    from items_shown
    where kind = '诉求' and trim(coalesce(reply_content, '')) <> ''
)
select shown.*,
       (select list(t.term order by t.n desc, t.term) from item_terms t where t.item_id = shown.id) as terms
from shown
left join reply_judgements j on j.item_id = shown.id
where j.item_id is null or j.judged_hash <> shown.judged_hash
order by shown.id;
