insert into staged_rejections
select * from slice_rejections
