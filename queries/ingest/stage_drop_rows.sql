-- Staged rows about to be replaced (a lossy value swapped for the stored one, made again).
delete from staged
where list_contains($lines, line)
