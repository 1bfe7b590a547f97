-- Per ingest file: its items and where their region comes from (the file's column, the text, or nowhere).
select
    f.file_name,
    count(*) as items,
    count(*) filter (where i.region_source = 'source') as from_source,
    count(*) filter (where i.region_source = 'text') as from_text,
    count(*) filter (where i.region is null) as without_region
from items i
join ingest_files f on f.id = i.ingest_file_id
group by f.id, f.file_name
order by f.id
