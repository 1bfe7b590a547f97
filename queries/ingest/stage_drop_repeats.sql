-- Every row but the first of its id leaves the staged rows (stage_find_repeats has found them, and they
-- are counted or refused); their terms stay behind unused, since the writes join terms to rows by line.
delete from staged
where line in (select line from staged_repeats)
