-- The new items of a drop, as merged by classify_staged (written in time order: a period's queries
-- read only its row groups).
insert into items by name
select
    id, title, content, published_at, channel, source, category, subcategory, region, region_source,
    department, department_level, is_valid, replied_at, reply_content, satisfaction, sentiment,
    sentiment_source, author, author_masked, likes, dislikes, url, extra, title_masked, content_masked, reply_masked,
    pii_kinds, kind, reply_tracked, satisfaction_tracked, is_demo,
    $file_id as ingest_file_id, line as source_line, $now as ingested_at, $now as updated_at
from staged_changes
where is_new
order by published_at, id
