update ingest_files set archive_path = $archive_path, report_path = $report_path where id = $id
