-- Regions found again from the text ($item_ids[k] gets $regions[k], NULL = none found) replace the
-- stored derived ones; an item whose region came from its source is never touched.
update items set
    region = b.region,
    region_source = case when b.region is not null then 'text' end
from (select unnest($item_ids) as id, unnest($regions) as region) as b
where items.id = b.id
  and items.region_source is distinct from 'source'
  and (items.region is distinct from b.region
       or items.region_source is distinct from case when b.region is not null then 'text' end)
