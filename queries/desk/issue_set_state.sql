-- An issue's new state (待审, 退回, 草稿); signing has its own statement (desk/issue_sign).
update desk_issues set state = $state, updated_at = $now where id = $id and state <> '已签发'
