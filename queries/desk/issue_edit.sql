-- An unsigned issue's title and recipients.
update desk_issues set title = $title, recipients = $recipients, updated_at = $now
where id = $id and state <> '已签发'
