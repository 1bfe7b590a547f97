-- Give an account the desk right (an analyst who edits the 《重要舆情摘报》) or take it away.
update users set desk = $desk, updated_at = $now where name = $user
