-- Once, for a migration applied before checksums existed: the file as it is now is taken as the one
-- that was applied (nothing else can tell), and later edits of it are refused from then on.
update schema_migrations set checksum = $checksum where version = $version and checksum is null
