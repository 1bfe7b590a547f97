-- Run on every connection: DuckDB's progress bar would print over the CLI's own bar and into logs.
set enable_progress_bar = false
