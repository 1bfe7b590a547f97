-- One item's original (unmasked) title, content, reply and author: administrators only
-- (core/access/roles.py: only a session whose role may see unmasked text runs it, and every run is
-- audited as show_original). Read through the filters, so an item outside the admin's view returns nothing.
select i.id, i.title, i.content, i.reply_content, i.author
from items i
semi join filtered_items($filters) f on f.id = i.id
where i.id = $item_id
