-- The next issue number of $year (第 N 期): last + 1, kept in desk_numbers so a number is never given twice,
-- whatever happens to the issue that had it. Run in the signing transaction.
insert into desk_numbers (year, last_number) values ($year, 1)
on conflict (year) do update set last_number = desk_numbers.last_number + 1
returning last_number
