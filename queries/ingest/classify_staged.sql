-- For each staged row: new, changed (merging would alter the stored item) or unchanged.
-- Merging rule: a value in the drop replaces the stored one; an empty cell never erases.
create or replace temp table staged_changes as
select
    s.id,
    i.id is null as is_new,
    i.id is not null and (
        coalesce(s.title, i.title) is distinct from i.title
        or coalesce(s.content, i.content) is distinct from i.content
        or s.published_at is distinct from i.published_at
        or coalesce(s.channel, i.channel) is distinct from i.channel
        or coalesce(s.source, i.source) is distinct from i.source
        or coalesce(s.category, i.category) is distinct from i.category
        or coalesce(s.subcategory, i.subcategory) is distinct from i.subcategory
        or coalesce(s.region, i.region) is distinct from i.region
        or coalesce(s.department, i.department) is distinct from i.department
        or coalesce(s.department_level, i.department_level) is distinct from i.department_level
        or coalesce(s.is_valid, i.is_valid) is distinct from i.is_valid
        or coalesce(s.replied_at, i.replied_at) is distinct from i.replied_at
        or coalesce(s.reply_content, i.reply_content) is distinct from i.reply_content
        or coalesce(s.satisfaction, i.satisfaction) is distinct from i.satisfaction
        or (s.sentiment_source = 'data' or i.sentiment_source is distinct from 'data')
           and coalesce(s.sentiment, i.sentiment) is distinct from i.sentiment
        or coalesce(s.author, i.author) is distinct from i.author
        or coalesce(s.likes, i.likes) is distinct from i.likes
        or coalesce(s.dislikes, i.dislikes) is distinct from i.dislikes
        or coalesce(s.url, i.url) is distinct from i.url
        or coalesce(s.extra, i.extra) is distinct from i.extra
    ) as is_changed
from staged s
left join items i on i.id = s.id
