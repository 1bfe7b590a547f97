insert into staged
select * from slice_rows
