-- Who submitted informant item $item_id (the item itself went in through the ingest rules, channel 信息员报送).
insert into submissions (item_id, submitter, unit, content_kind, urgency, link, submitted_at)
values ($item_id, $submitter, $unit, $content_kind, $urgency, $link, $now)
