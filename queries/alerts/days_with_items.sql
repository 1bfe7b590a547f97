-- The monitoring days (day_of(published_at, $day_start_hour)) that have items, oldest first, with how
-- many: bench/alerts_per_day.py measures alerts on these days.
select day_of(published_at, $day_start_hour) as day, count(*) as items
from items_shown
group by all
order by day
