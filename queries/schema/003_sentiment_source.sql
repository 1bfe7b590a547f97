-- Where an item's sentiment came from: 'data' (the drop's own label) or 'model' (scored at ingest).
-- A label from data is never replaced by a model score in a later drop.
alter table items add column sentiment_source varchar;
update items set sentiment_source = case when sentiment is null then null else 'data' end;
