-- The file's refused rows: line, reason, the cells as JSON text.
create or replace temp table staged_rejections as
select * from slice_rejections limit 0
