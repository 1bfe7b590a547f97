select *
from staged
where list_contains($lines, line)
order by line
