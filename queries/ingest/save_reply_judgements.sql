-- Store the judgements of core/analytics/replies.py (the caller registers them as `new_judgements`);
-- a reply judged before is replaced.
insert or replace into reply_judgements by name
select * from new_judgements;
