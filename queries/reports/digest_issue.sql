-- The issue number (第 N 期) already given to the daily digest 舆情摘报 for exactly the period
-- [$start, $end); no row: none yet (then run reports/issue_digest).
select number, period_start, period_end, generated_at
from report_issues
where kind = 'daily_digest'
  and period_start = cast($start as timestamp)
  and period_end = cast($end as timestamp)
