delete from staged_terms
where list_contains($lines, line)
