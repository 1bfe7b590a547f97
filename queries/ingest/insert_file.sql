insert into ingest_files (
    id, file_name, source_path, sha256, size_bytes, file_mtime, file_kind, encoding, mapping, status,
    started_at, finished_at, rows_read, loaded_new, updated, unchanged_duplicates, rejected,
    first_error, message, duplicate_of, columns_mapped, tracks_replies, tracks_satisfaction, lossy_duplicates,
    demo_removed
) values (
    $id, $file_name, $source_path, $sha256, $size_bytes, $file_mtime, $file_kind, $encoding, $mapping, $status,
    $started_at, $finished_at, $rows_read, $loaded_new, $updated, $unchanged_duplicates, $rejected,
    $first_error, $message, $duplicate_of, $columns_mapped, $tracks_replies, $tracks_satisfaction,
    coalesce($lossy_duplicates, 0), coalesce($demo_removed, 0)
)
