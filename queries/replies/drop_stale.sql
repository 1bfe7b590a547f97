-- Judgements of replies that are gone (a removed demo item, a reply emptied by a later drop).
delete from reply_judgements
where item_id not in (select id from items_shown where kind = '诉求' and trim(coalesce(reply_content, '')) <> '');
