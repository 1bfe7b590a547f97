insert into staged_terms
select * from slice_terms
