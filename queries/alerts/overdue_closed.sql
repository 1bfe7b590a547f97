-- Overdue requests closed in [$answered_from, $as_of): valid requests whose source tracks replies,
-- matching the filters (any publication date in [$start, $end)), answered in that span more than
-- $overdue_days days (NULL: 15) after publication. The 本日办结 of the overdue backlog's summary line.
select count(*) as closed
from filtered_requests($filters) as i
where i.is_valid
  and i.reply_tracked
  and i.replied_at >= cast($answered_from as timestamp)
  and i.replied_at < cast($as_of as timestamp)
  and epoch(i.replied_at - i.published_at) / 86400.0 > coalesce(cast($overdue_days as double), 15)
