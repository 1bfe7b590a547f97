-- The regions with most items, and where each comes from ('source' or 'text').
select region, region_source, count(*) as items
from items
where region is not null
group by region, region_source
order by items desc, region
limit coalesce($limit, 20)
