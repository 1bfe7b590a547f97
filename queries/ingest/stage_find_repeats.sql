-- Rows whose id already came on an earlier line of the same file (the first line of each id stays):
-- the repeat's line and id, the first line, and the fields whose values differ from the first's, in
-- the order of normalise.OUTPUT_COLUMNS (empty: an exact repeat). Settled over the whole file; kept
-- in a table to be read a page at a time (staged_repeats_page) while refusals are staged.
create or replace temp table staged_repeats as
with repeated as (
    select id, min(line) as first_line
    from staged
    group by id
    having count(*) > 1
)
select
    r.line,
    r.id,
    d.first_line,
    list_filter([
        case when r.title is distinct from f.title then 'title' end,
        case when r.content is distinct from f.content then 'content' end,
        case when r.published_at is distinct from f.published_at then 'published_at' end,
        case when r.channel is distinct from f.channel then 'channel' end,
        case when r.source is distinct from f.source then 'source' end,
        case when r.category is distinct from f.category then 'category' end,
        case when r.subcategory is distinct from f.subcategory then 'subcategory' end,
        case when r.region is distinct from f.region then 'region' end,
        case when r.department is distinct from f.department then 'department' end,
        case when r.department_level is distinct from f.department_level then 'department_level' end,
        case when r.is_valid is distinct from f.is_valid then 'is_valid' end,
        case when r.replied_at is distinct from f.replied_at then 'replied_at' end,
        case when r.reply_content is distinct from f.reply_content then 'reply_content' end,
        case when r.satisfaction is distinct from f.satisfaction then 'satisfaction' end,
        case when r.sentiment is distinct from f.sentiment then 'sentiment' end,
        case when r.author is distinct from f.author then 'author' end,
        case when r.likes is distinct from f.likes then 'likes' end,
        case when r.dislikes is distinct from f.dislikes then 'dislikes' end,
        case when r.url is distinct from f.url then 'url' end,
        case when r.kind is distinct from f.kind then 'kind' end
    ], lambda x: x is not null) as differing
from repeated as d
join staged as f on f.id = d.id and f.line = d.first_line
join staged as r on r.id = d.id and r.line > d.first_line
order by r.line
