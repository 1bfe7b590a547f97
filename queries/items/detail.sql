-- The items with these ids ($item_ids), for the detail view, as users see them (items_shown): masked
-- text and author, the reply and its timing.
-- Reads through filtered_items() with the filters, so an id outside the current view returns nothing.
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
where id in (select unnest($item_ids))
order by published_at desc, id
