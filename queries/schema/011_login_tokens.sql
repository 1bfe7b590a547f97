-- Logins that survive a reload (core/access/tokens.py): the browser keeps a random token in a cookie; the
-- store keeps only its sha256, the account, when the login began and when it was last used (the idle and
-- absolute limits of docs/security.md apply to it as to the tab's session). Logging out deletes the row.
create table login_tokens (
    token_hash varchar primary key,
    user_name varchar not null,
    login_at timestamp not null,
    last_seen timestamp not null
);
