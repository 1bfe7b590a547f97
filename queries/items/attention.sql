-- The items of the filters that drew most attention (总览 高关注信息): most liked first, then negative,
-- then newest; $limit rows. Masked title and content; the author is masked by the caller.
select
    id,
    published_at,
    coalesce(title_masked, title) as title,
    coalesce(content_masked, content) as content,
    coalesce(channel, '未标注') as channel,
    coalesce(category, '未分类') as category,
    coalesce(department, '未标注') as department,
    coalesce(sentiment, '未评分') as sentiment,
    likes,
    author
from filtered_items($start, $end, $categories, $channels, $regions, $departments, $sentiments, $keyword)
order by coalesce(likes, 0) desc, sentiment = '负面' desc, published_at desc, id
limit $limit
