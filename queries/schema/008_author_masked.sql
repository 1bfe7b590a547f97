-- The author as users may see it (issue 12: the staging view holds shown text and author only): made at
-- ingest by core/text/pii.mask_name (张三丰 → 张**, an id U0012345 → U00***45, a phone number as in text).
-- Existing items get a conservative mask here (first character, then one * per character; Python is not
-- at hand in a migration); the next drop or `python -m dashboard derive` gives them the usual form.
alter table items add column author_masked varchar;
update items set author_masked = left(author, 1) || repeat('*', length(author) - 1) where author is not null;
