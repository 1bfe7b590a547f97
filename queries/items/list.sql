-- One page of the item list: items matching the filters (and the optional $subcategories), newest
-- first, $limit rows (NULL = all) after skipping $offset (NULL = 0).
-- Personal data stays masked: the title is its masked copy when one exists; the author is masked by
-- the caller (core/pii.mask_name). response_hours: hours from publication to reply (NULL: no reply).
-- kind: 诉求 / 舆情; reply_status and satisfaction as shown (来源未提供 where the source has no such
-- column, 不适用 for web opinion: never 未答复 for those).
select
    id,
    published_at,
    coalesce(title_masked, title) as title,
    coalesce(channel, '未标注') as channel,
    coalesce(category, '未分类') as category,
    coalesce(subcategory, '未分类') as subcategory,
    predicted_label(category_predicted, category_confidence) as category_predicted,
    coalesce(region, '未标注') as region,
    coalesce(department, '未标注') as department,
    coalesce(sentiment, '未评分') as sentiment,
    kind,
    reply_status(kind, reply_tracked, replied_at) as reply_status,
    replied_at,
    date_diff('second', published_at, replied_at) / 3600.0 as response_hours,
    satisfaction_shown(kind, satisfaction_tracked, satisfaction) as satisfaction,
    author
from filtered_items($start, $end, $categories, $channels, $regions, $departments, $sentiments, $keyword)
where $subcategories is null or list_contains($subcategories, coalesce(subcategory, '未分类'))
order by published_at desc, id
limit $limit
offset coalesce($offset, 0)
