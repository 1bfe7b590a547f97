-- Offending rows: a reply dated before its item.
select id, published_at, replied_at from items where replied_at < published_at
