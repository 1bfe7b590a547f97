-- The next page of repeated ids (stage_find_repeats), after line $after.
select line, id, first_line, differing
from staged_repeats
where line > $after
order by line
limit $page_rows
