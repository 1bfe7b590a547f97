-- Offending rows: an id stored more than once.
select id, count(*) as copies from items group by id having count(*) > 1
