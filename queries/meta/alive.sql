-- Answers while the connection is open: the owner's connection is reused only when it still does.
select 1 as alive
