-- Staged text values that would only damage the stored ones (is_lossy_copy: characters replaced by '?'
-- or U+FFFD, or cut short): one row per line and field, with the stored value, which the loader keeps.
with pairs as materialized (
    select s.line, s.id, p.field, p.new, p.old
    from staged as s
    join items as i on i.id = s.id,
    unnest([
        {'field': 'title', 'new': s.title, 'old': i.title},
        {'field': 'content', 'new': s.content, 'old': i.content},
        {'field': 'reply_content', 'new': s.reply_content, 'old': i.reply_content},
        {'field': 'author', 'new': s.author, 'old': i.author},
        {'field': 'source', 'new': s.source, 'old': i.source},
        {'field': 'category', 'new': s.category, 'old': i.category},
        {'field': 'subcategory', 'new': s.subcategory, 'old': i.subcategory},
        {'field': 'region', 'new': s.region, 'old': i.region},
        {'field': 'department', 'new': s.department, 'old': i.department},
        {'field': 'url', 'new': s.url, 'old': i.url}
    ]) as u(p)
    where p.new <> p.old
)
select line, id, field, old as stored
from pairs
where is_lossy_copy(new, old)
order by line, field
