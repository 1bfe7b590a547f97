-- Signed issues per month of [$start, $end) (by when they were signed; NULL bound = open) and the entries
-- (条) they carried.
select strftime(d.signed_at, '%Y-%m') as month, count(distinct d.id) as issues, count(c.id) as entries
from desk_issues d
left join desk_candidates c on c.issue_id = d.id
where d.state = '已签发'
  and ($start is null or d.signed_at >= cast($start as timestamp))
  and ($end is null or d.signed_at < cast($end as timestamp))
group by month
order by month
