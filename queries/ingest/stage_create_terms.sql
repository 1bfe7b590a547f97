-- The terms of the staged rows, keyed by line (enrich.TERMS_SCHEMA).
create or replace temp table staged_terms as
select * from slice_terms limit 0
