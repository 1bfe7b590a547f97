-- Every item matching the filters (and the optional $subcategories) with its full text, for the
-- CSV / XLSX export, newest first; $limit rows (NULL = all).
-- Only masked text leaves the store: coalesce(*_masked, raw); the author is masked by the caller.
select
    id,
    published_at,
    coalesce(title_masked, title) as title,
    coalesce(content_masked, content) as content,
    channel,
    source,
    coalesce(category, '未分类') as category,
    coalesce(subcategory, '未分类') as subcategory,
    predicted_label(category_predicted, category_confidence) as category_predicted,
    region,
    case region_source when 'text' then '据标题或正文识别' when 'source' then '来源数据' end as region_source,
    department,
    department_level,
    coalesce(sentiment, '未评分') as sentiment,
    is_valid,
    kind,
    reply_status(kind, reply_tracked, replied_at) as reply_status,
    replied_at,
    date_diff('second', published_at, replied_at) / 3600.0 as response_hours,
    coalesce(reply_masked, reply_content) as reply_content,
    satisfaction_shown(kind, satisfaction_tracked, satisfaction) as satisfaction,
    author,
    likes,
    dislikes,
    url
from filtered_items($start, $end, $categories, $channels, $regions, $departments, $sentiments, $keyword)
where $subcategories is null or list_contains($subcategories, coalesce(subcategory, '未分类'))
order by published_at desc, id
limit $limit
