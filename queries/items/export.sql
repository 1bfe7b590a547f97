-- Every item matching the filters (and the optional $subcategories) with its full text, for the
-- CSV / XLSX export, newest first ($oldest_first: oldest first); $limit rows (NULL = all).
-- Only what users see leaves the store (items_shown: masked text and author).
select
    id,
    published_at,
    title,
    content,
    channel,
    source,
    category,
    subcategory,
    predicted_label(category_predicted, category_confidence) as category_predicted,
    region,
    case region_source when 'text' then '据标题或正文识别' when 'source' then '来源数据' end as region_source,
    department,
    department_level,
    sentiment,
    is_valid,
    kind,
    reply_status,
    replied_at,
    date_diff('second', published_at, replied_at) / 3600.0 as response_hours,
    reply_content,
    satisfaction_label as satisfaction,
    author,
    likes,
    dislikes,
    url
from filtered_items($filters)
where $subcategories is null or list_contains($subcategories, subcategory)
order by case when coalesce($oldest_first, false) then epoch(published_at) else -epoch(published_at) end, id
limit $limit
