-- The applied numbered migrations (queries/schema/NNN_*.sql), each with the checksum of the file as it
-- was applied, so a later edit of an applied file is refused at start instead of silently skipped.
create table if not exists schema_migrations (version varchar primary key, applied_at timestamp, checksum varchar)
