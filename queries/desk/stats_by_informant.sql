-- Per informant: submissions made in [$start, $end) (NULL bound = open), how many were adopted (went out in
-- a signed issue) and the adoption rate. Names informants: editors and administrators only.
select submitter, any_value(unit) as unit, count(*) as submitted, count(*) filter (where adopted) as adopted,
       count(*) filter (where adopted) / count(*) as adoption_rate
from submission_outcomes()
where ($start is null or submitted_at >= cast($start as timestamp))
  and ($end is null or submitted_at < cast($end as timestamp))
group by submitter
order by adopted desc, submitted desc, submitter
