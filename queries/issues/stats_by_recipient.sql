-- Issues and entries sent to each recipient by the issues signed in [$start, $end).
with signed as (
    select d.id, unnest(d.recipients) as recipient,
           (select count(*) from desk_candidates c where c.issue_id = d.id) as entries
    from desk_issues d
    where d.state = '已签发'
      and ($start is null or d.signed_at >= cast($start as timestamp))
      and ($end is null or d.signed_at < cast($end as timestamp))
)
select recipient, count(*) as issues, sum(entries) as entries
from signed
group by recipient
order by entries desc, recipient
