-- Entries of the issues signed in [$start, $end) per kind of content (社情民意 among them).
select coalesce(c.content_kind, '未分类') as content_kind, count(*) as entries
from desk_issues d
join desk_candidates c on c.issue_id = d.id
where d.state = '已签发'
  and ($start is null or d.signed_at >= cast($start as timestamp))
  and ($end is null or d.signed_at < cast($end as timestamp))
group by all
order by entries desc, content_kind
