-- The items with these ids ($item_ids), for the detail view: masked text (coalesce(*_masked, raw)),
-- the reply and its timing. The author is masked by the caller (core/pii.mask_name).
-- Reads through filtered_items() with the filters, so an id outside the current view returns nothing.
select
    id,
    published_at,
    coalesce(title_masked, title) as title,
    coalesce(content_masked, content) as content,
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
where list_contains($item_ids, id)
order by published_at desc, id
