select nextval('ingest_file_seq') as id
