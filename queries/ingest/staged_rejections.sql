-- The file's refused rows in line order, for the report beside the archived file.
select line, reason, raw
from staged_rejections
order by line
