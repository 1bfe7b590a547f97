-- Items in the filter in [$start, $end) and in the previous period of equal length: the
-- denominators of rising terms' shares.
select count(*) filter (where published_at >= $start) as items,
       count(*) filter (where published_at < $start) as prev_items
from filtered_items(cast($start as timestamp) - (cast($end as timestamp) - cast($start as timestamp)),
                    cast($end as timestamp), $categories, $channels, $regions, $departments,
                    $sentiments, $keyword)
