-- A new issue draft (草稿); returns its id.
insert into desk_issues (state, title, recipients, created_by, created_at, updated_at)
values ('草稿', $title, $recipients, $user, $now, $now)
returning id
