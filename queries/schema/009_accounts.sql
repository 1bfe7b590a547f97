-- Accounts and the audit log (issue 13). Roles are checked in Python (core/access/roles.py), not here, so
-- a new role (e.g. informant) needs no migration. Passwords are argon2 hashes (core/access/passwords.py);
-- an SSO account has a subject and may have no password. departments / regions: NULL = every one.
create table users (
    name varchar primary key,
    role varchar not null,
    password_hash varchar,
    disabled boolean not null default false,
    failed_count integer not null default 0,
    locked_until timestamp,
    sso_subject varchar unique,
    departments varchar[],
    regions varchar[],
    created_at timestamp not null,
    updated_at timestamp not null
);
create sequence audit_log_id start 1;
-- Append-only: no statement in queries/ updates or deletes its rows (tests/test_access.py reads them all).
create table audit_log (
    id bigint primary key default nextval('audit_log_id'),
    logged_at timestamp not null,     -- when (local time)
    user_name varchar,
    role varchar,
    action varchar not null,          -- login, logout, login_failed, locked, show_original, export, report, upload, user_*
    query_name varchar,
    parameters varchar,               -- JSON
    row_count bigint,
    file_hash varchar,                -- sha256 of the exported file
    detail varchar
);
