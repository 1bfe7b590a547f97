-- The first and last day (day_of(published_at, $day_start_hour)) the store holds items for, over all
-- items: alert baselines only count days from the first day on (a store started a week ago has no
-- four-week history, and its missing days are not zeros).
select
    min(day_of(published_at, $day_start_hour)) as first_day,
    max(day_of(published_at, $day_start_hour)) as last_day,
    count(*) as items
from items
