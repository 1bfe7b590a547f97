-- Each staged row merged with the stored item of its id, and whether it is new, changed or unchanged.
-- The one place of the merge rules (insert_new_items and update_changed_items write these rows):
-- - a value in the drop replaces the stored one; an empty cell never erases;
-- - a sentiment label from data (sentiment_source 'data') is never replaced by a model score;
-- - masked copies follow their own text (one exists only when the text holds personal data);
-- - reply_tracked / satisfaction_tracked: once a source provided the field for an item it stays known
--   ($reply_tracked / $satisfaction_tracked say whether this file provides it);
-- - region: the file's region column wins; a region found in the text ('text') never replaces one from
--   a source, and is found again from the new text;
-- - kind: the file's kind, else its channel's, else the stored kind, else item_kind()'s rule.
create or replace temp table staged_changes as
with merged as (
    select
        s.id,
        s.line,
        i.id is null as is_new,
        coalesce(s.title, i.title) as title,
        coalesce(s.content, i.content) as content,
        s.published_at,
        coalesce(s.channel, i.channel) as channel,
        coalesce(s.source, i.source) as source,
        coalesce(s.category, i.category) as category,
        coalesce(s.subcategory, i.subcategory) as subcategory,
        case when s.region is not null then s.region
             when i.region_source = 'source' then i.region
             else coalesce(s.region_text, i.region) end as region,
        case when s.region is not null or i.region_source = 'source' then 'source'
             when coalesce(s.region_text, i.region) is not null then 'text' end as region_source,
        coalesce(s.department, i.department) as department,
        coalesce(s.department_level, i.department_level) as department_level,
        coalesce(s.is_valid, i.is_valid, true) as is_valid,
        coalesce(s.replied_at, i.replied_at) as replied_at,
        coalesce(s.reply_content, i.reply_content) as reply_content,
        coalesce(s.satisfaction, i.satisfaction) as satisfaction,
        case when s.sentiment_source = 'data' or i.sentiment_source is distinct from 'data'
             then coalesce(s.sentiment, i.sentiment) else i.sentiment end as sentiment,
        case when s.sentiment_source = 'data' or i.sentiment_source is distinct from 'data'
             then coalesce(s.sentiment_source, i.sentiment_source) else i.sentiment_source end as sentiment_source,
        coalesce(s.author, i.author) as author,
        coalesce(s.likes, i.likes) as likes,
        coalesce(s.dislikes, i.dislikes) as dislikes,
        coalesce(s.url, i.url) as url,
        coalesce(s.extra::json, i.extra) as extra,
        case when s.title is null then i.title_masked else s.title_masked end as title_masked,
        case when s.content is null then i.content_masked else s.content_masked end as content_masked,
        case when s.reply_content is null then i.reply_masked else s.reply_masked end as reply_masked,
        case when s.author is null then i.author_masked else s.author_masked end as author_masked,
        case when s.reply_content is null then list_distinct(list_concat(s.pii_kinds, i.pii_kinds))
             else s.pii_kinds end as pii_kinds,
        coalesce(i.reply_tracked, false) or coalesce($reply_tracked, false) as reply_tracked,
        coalesce(i.satisfaction_tracked, false) or coalesce($satisfaction_tracked, false) as satisfaction_tracked,
        coalesce($is_demo, false) as is_demo,
        s.kind as given_kind,
        i.kind as stored_kind,
        i as stored
    from staged as s
    left join items as i on i.id = s.id
),
kinded as (
    select
        * exclude (given_kind, stored_kind),
        coalesce(given_kind, channel_kind(channel), stored_kind,
                 item_kind(null, channel, department, reply_tracked, satisfaction_tracked)) as kind
    from merged
)
select
    * exclude (stored),
    not is_new and row(title, content, published_at, channel, source, category, subcategory, region,
                       region_source, department, department_level, is_valid, replied_at, reply_content,
                       satisfaction, sentiment, author, likes, dislikes, url, extra, reply_tracked,
                       satisfaction_tracked, kind)
        is distinct from row(stored.title, stored.content, stored.published_at, stored.channel, stored.source,
                             stored.category, stored.subcategory, stored.region, stored.region_source,
                             stored.department, stored.department_level, stored.is_valid, stored.replied_at,
                             stored.reply_content, stored.satisfaction, stored.sentiment, stored.author,
                             stored.likes, stored.dislikes, stored.url, stored.extra, stored.reply_tracked,
                             stored.satisfaction_tracked, stored.kind) as is_changed
from kinded
