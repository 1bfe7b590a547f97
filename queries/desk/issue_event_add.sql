-- One change of an issue's state, with who, when and the comment (append-only).
insert into desk_issue_events (issue_id, happened_at, actor, from_state, to_state, comment)
values ($issue, $now, $user, $from_state, $to_state, $comment)
