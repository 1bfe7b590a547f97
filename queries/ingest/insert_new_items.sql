insert into items (
    id, title, content, published_at, channel, source, category, subcategory, region, department,
    department_level, is_valid, replied_at, reply_content, satisfaction, sentiment, author, likes, dislikes,
    url, extra, sentiment_source, title_masked, content_masked, reply_masked, pii_kinds, ingest_file_id, source_line,
    ingested_at, updated_at
)
select
    s.id, s.title, s.content, s.published_at, s.channel, s.source, s.category, s.subcategory, s.region,
    s.department, s.department_level, coalesce(s.is_valid, true), s.replied_at, s.reply_content,
    s.satisfaction, s.sentiment, s.author, s.likes, s.dislikes, s.url, s.extra::json, s.sentiment_source, s.title_masked,
    s.content_masked, s.reply_masked, s.pii_kinds, $file_id, s.line, $now, $now
from staged s
join staged_changes c on c.id = s.id
where c.is_new
order by s.published_at, s.id  -- time order: a period's queries read only its row groups
