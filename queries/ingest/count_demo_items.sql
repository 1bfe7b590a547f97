-- How many demo items the store holds (the first real file removes them).
select count(*) as items from items where is_demo
