-- How many rows the file refuses, and the first of them.
select count(*) as rejected, min(line) as first_line, arg_min(reason, line) as first_reason
from staged_rejections
