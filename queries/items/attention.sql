-- The items of the filters that drew most attention (总览 高关注信息): most liked first, then negative,
-- then newest; $limit rows, as users see them (items_shown).
select
    id,
    published_at,
    title,
    content,
    channel,
    category,
    department,
    sentiment,
    likes,
    author
from filtered_items($filters)
order by coalesce(likes, 0) desc, sentiment = '负面' desc, published_at desc, id
limit $limit
