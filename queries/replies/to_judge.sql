-- Requests with a reply that is not judged yet or changed since (core/analytics/replies.py). Reads the
-- shown (masked) text: judging a reply never needs personal data. In time order, read a batch at a
-- time: each batch's terms come from replies/request_terms, which then reads only its period.
with shown as (
    select id, title, content, reply_content, published_at,
           md5(concat_ws('|', title, content, reply_content, cast(replied_at as varchar))) as judged_hash,
           date_diff('second', published_at, replied_at) / 86400.0 as reply_days
    from items_shown
    where kind = '诉求' and trim(coalesce(reply_content, '')) <> ''
)
select shown.*
from shown
left join reply_judgements j on j.item_id = shown.id
where j.item_id is null or j.judged_hash <> shown.judged_hash
order by shown.published_at, shown.id;
