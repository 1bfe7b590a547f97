-- The items behind a volume or negative-share alert: items published in [$start, $end) that match the
-- filters (an alert narrows them to its dimension value, e.g. $categories = ['城乡建设'], and for a
-- negative-share alert $sentiments = ['负面']). Newest first. Titles are the masked copies.
select
    id,
    published_at,
    day_of(published_at, $day_start_hour) as day,
    title,
    channel,
    category,
    region,
    department,
    sentiment,
    is_valid,
    replied_at
from filtered_items($filters)
order by published_at desc, id
limit $limit
