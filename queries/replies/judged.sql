-- One row per judged reply among the filter's requests, with its verdict and reasons
-- (core/analytics/replies.py; the `report replies` CSV and the 部门 page's flagged list).
select i.id, i.department, i.published_at, i.replied_at, i.title, i.reply_content,
       v.reply_chars, v.relevance, v.boilerplate, v.substantive, v.reasons,
       v.ack_only, v.template_items, v.has_action, v.has_actor, v.has_time, v.reply_days, v.names_found
from filtered_requests($filters) i
join reply_verdicts($template_min_items, $min_relevance, $short_chars, $overdue_days) v on v.item_id = i.id
order by i.published_at, i.id;
