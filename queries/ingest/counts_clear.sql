-- Take out the item_counts rows of the 8-hour buckets $buckets (then ingest/counts_add counts them again).
delete from item_counts where bucket in (select unnest($buckets))
