-- Stores made before migrations were checksummed have schema_migrations without the checksum column.
alter table schema_migrations add column if not exists checksum varchar
