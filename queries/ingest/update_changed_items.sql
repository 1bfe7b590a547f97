update items set
    title = coalesce(s.title, items.title),
    content = coalesce(s.content, items.content),
    published_at = s.published_at,
    channel = coalesce(s.channel, items.channel),
    source = coalesce(s.source, items.source),
    category = coalesce(s.category, items.category),
    subcategory = coalesce(s.subcategory, items.subcategory),
    region = coalesce(s.region, items.region),
    department = coalesce(s.department, items.department),
    department_level = coalesce(s.department_level, items.department_level),
    is_valid = coalesce(s.is_valid, items.is_valid),
    replied_at = coalesce(s.replied_at, items.replied_at),
    reply_content = coalesce(s.reply_content, items.reply_content),
    satisfaction = coalesce(s.satisfaction, items.satisfaction),
    sentiment = case when s.sentiment_source = 'data' or items.sentiment_source is distinct from 'data'
                     then coalesce(s.sentiment, items.sentiment) else items.sentiment end,
    sentiment_source = case when s.sentiment_source = 'data' or items.sentiment_source is distinct from 'data'
                            then coalesce(s.sentiment_source, items.sentiment_source) else items.sentiment_source end,
    author = coalesce(s.author, items.author),
    likes = coalesce(s.likes, items.likes),
    dislikes = coalesce(s.dislikes, items.dislikes),
    url = coalesce(s.url, items.url),
    extra = coalesce(s.extra::json, items.extra),
    -- a masked copy exists only when the text holds personal data, so it follows its own text
    title_masked = case when s.title is null then items.title_masked else s.title_masked end,
    content_masked = case when s.content is null then items.content_masked else s.content_masked end,
    reply_masked = case when s.reply_content is null then items.reply_masked else s.reply_masked end,
    pii_kinds = case when s.reply_content is null
                     then list_distinct(list_concat(s.pii_kinds, items.pii_kinds)) else s.pii_kinds end,
    ingest_file_id = $file_id,
    source_line = s.line,
    updated_at = $now
from staged s
join staged_changes c on c.id = s.id
where items.id = s.id and c.is_changed
