-- Daily number of items that use each of the given terms ($words, a list of terms), within the filter.
-- Days start at $day_start_hour (0 = calendar day, 8 = the 08:00 monitoring day). Days without
-- any use are absent (dashboard/core/terms.py fills them with zeros).
-- terms/term_trend_rollup.sql gives the same from term_rollup.
select day_of(f.published_at, $day_start_hour) as day,
       it.term,
       count(*) as items
from filtered_items($filters) f
join item_terms it on it.item_id = f.id
where list_contains($words, it.term)
  and ($filters['start'] is null or it.published_at >= $filters['start']) and ($filters['end'] is null or it.published_at < $filters['end'])
group by all
order by day, it.term
