-- Give the daily digest for the period [$start, $end) the next issue number (max + 1 over every
-- digest ever issued, so a number is never reused), unless that period already has one (then nothing
-- happens: regenerating a period keeps its number). $as_of = the moment the number is issued.
-- NULL $start or $end: nothing is inserted.
insert into report_issues (kind, number, period_start, period_end, generated_at)
select 'daily_digest', coalesce(max(number), 0) + 1, cast($start as timestamp), cast($end as timestamp),
       coalesce(cast($as_of as timestamp), localtimestamp)
from report_issues
where kind = 'daily_digest'
having $start is not null and $end is not null
   and not exists (select 1 from report_issues
                   where kind = 'daily_digest'
                     and period_start = cast($start as timestamp)
                     and period_end = cast($end as timestamp))
