-- A numbered migration has been applied (in the same transaction as its statements).
insert into schema_migrations (version, applied_at, checksum) values ($version, current_timestamp, $checksum)
