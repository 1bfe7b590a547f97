-- Per informant unit (no person named, so leaders read it): submissions made in [$start, $end), adopted
-- ones and the adoption rate.
select coalesce(unit, '未填单位') as unit, count(*) as submitted, count(*) filter (where adopted) as adopted,
       count(*) filter (where adopted) / count(*) as adoption_rate
from submission_outcomes()
where ($start is null or submitted_at >= cast($start as timestamp))
  and ($end is null or submitted_at < cast($end as timestamp))
group by all
order by adopted desc, submitted desc, unit
