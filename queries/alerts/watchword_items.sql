-- Items matching the filters that contain one of the watch words $words. One row per (word, item). A
-- word hits when it is one of the item's terms (item_terms) or occurs in its shown title or content
-- (case-insensitive; the masked text, as a search reads it): the tokenizer may keep a watch word inside a
-- longer dictionary word (发生爆炸), and a watch list must not miss it. $words NULL means no words, so no
-- rows ("every term" is not a watch list).
with words as (
    select distinct unnest(coalesce(cast($words as varchar[]), [])) as word
),
scoped as (
    select *
    from filtered_items($filters)
),
-- $pattern: the same words as one case-insensitive regular expression (alerts.watch_word_params), so the
-- text of every item is scanned once and only the items it matches are compared word by word
candidates as (
    select id, title, content
    from scoped
    where regexp_matches(coalesce(title, ''), $pattern) or regexp_matches(coalesce(content, ''), $pattern)
),
hits as (
    select w.word, s.id
    from candidates as s
    join words as w
      on contains(lower(coalesce(s.title, '')), lower(w.word))
      or contains(lower(coalesce(s.content, '')), lower(w.word))
    union
    select w.word, t.item_id as id
    from item_terms as t
    join words as w on t.term = w.word
    where t.item_id in (select id from scoped)
      and ($filters['start'] is null or t.published_at >= $filters['start']) and ($filters['end'] is null or t.published_at < $filters['end'])
)
select
    h.word,
    i.id,
    i.published_at,
    day_of(i.published_at, $day_start_hour) as day,
    i.title,
    i.channel,
    i.category,
    i.region,
    i.department,
    i.sentiment,
    i.content
from scoped as i
join hits as h on h.id = i.id
order by h.word, i.published_at desc, i.id
limit $limit
