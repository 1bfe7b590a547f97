-- One page of the item list: items matching the filters (and the optional $subcategories), newest
-- first, $limit rows (NULL = all) after skipping $offset (NULL = 0).
-- Everything as users see it (items_shown: masked title and author, labels for missing values, reply
-- status and satisfaction as known). response_hours: hours from publication to reply (NULL: no reply).
select
    id,
    published_at,
    title,
    channel,
    category,
    subcategory,
    predicted_label(category_predicted, category_confidence) as category_predicted,
    region,
    department,
    sentiment,
    kind,
    reply_status,
    replied_at,
    date_diff('second', published_at, replied_at) / 3600.0 as response_hours,
    satisfaction_label as satisfaction,
    author
from filtered_items($filters)
where $subcategories is null or list_contains($subcategories, subcategory)
order by published_at desc, id
limit $limit
offset coalesce($offset, 0)
