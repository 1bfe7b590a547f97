-- 答复质量 per department (docs/analytics.md): replies judged, substantive, flagged and the share
-- substantive; only requests whose reply is known to the store are judged, so a department with none
-- has no row (its reply substance is unknown, never 0%).
select i.department,
       count(*) as judged,
       count(*) filter (where v.substantive) as substantive,
       count(*) filter (where not v.substantive) as flagged,
       count(*) filter (where v.ack_only) as ack_only,
       count(*) filter (where v.template_items >= $template_min_items) as template,
       count(*) filter (where v.substantive) / count(*) as substantive_rate,
       median(v.reply_chars) as median_chars
from filtered_requests($filters) i
join reply_verdicts($template_min_items, $min_relevance, $short_chars, $overdue_days) v on v.item_id = i.id
group by i.department
order by substantive_rate, judged desc, i.department;
