-- With the demo items gone, their batches' manifest rows say so (and the same batch may be loaded again).
update ingest_files set status = 'removed' where file_kind = 'demo' and status = 'loaded'
