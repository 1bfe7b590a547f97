-- Issue numbers of numbered reports (the daily digest 舆情摘报 …): one row per issued period.
-- A number is never reused (new numbers are max + 1 within a kind, rows are never deleted), and the
-- same period regenerated keeps its number (unique kind + period).
create table report_issues (
    kind varchar not null,            -- e.g. daily_digest
    number integer not null,          -- 第 N 期
    period_start timestamp not null,  -- inclusive
    period_end timestamp not null,    -- exclusive
    generated_at timestamp not null,  -- when the number was first issued
    primary key (kind, number),
    unique (kind, period_start, period_end)
);
