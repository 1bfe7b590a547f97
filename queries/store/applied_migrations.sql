-- Every applied migration and the checksum recorded for it (NULL: applied before checksums existed).
select version, checksum from schema_migrations order by version
