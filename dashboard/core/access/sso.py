"""Single sign-on through Streamlit's OpenID Connect support (`st.login`), without Streamlit.

`serve` in oidc mode writes the `[auth]` section Streamlit reads (`write_secrets`) into a private folder of
the data folder and points Streamlit at it with its `secrets.files` option; nothing secret is ever in the
repository. The gate (dashboard/ui/sso.py) turns the identity token's claims into a role
(`role_from_claims`, unless the users table knows the subject) and ends a sign-in by the token's issue time
(`sso_expired`), not by the 30-day cookie Streamlit keeps.
"""
from __future__ import annotations

import json
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from dashboard.core.access import roles
from dashboard.core.access.sessions import Session
from dashboard.core.config import Settings, SsoSettings

# The `[auth.<name>]` section and the argument of st.login: Streamlit forbids "_" in a provider's name.
PROVIDER = "yuqing"
ROLES = tuple(roles.ROLES)                      # least to most rights, in roles.py's order
CALLBACK_PATH = "/oauth2callback"               # the only path Streamlit answers a sign-in on


class SsoConfigError(ValueError):
    """The oidc settings cannot work; the message (Chinese) says which variable to set."""


def private_dir(settings: Settings) -> Path:
    """Where the cookie key and the secrets file live: readable by the store's owner only."""
    return settings.data_dir / "private"


def _private_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    # Created 0600 before anything is written, so the secret is never readable by others.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)


def cookie_secret(settings: Settings) -> str:
    """The key that signs Streamlit's login cookie: made once, kept in the data folder, so a restart
    does not sign everybody out (and another deployment's cookie is worthless here)."""
    path = private_dir(settings) / "cookie_secret"
    if path.exists():
        kept = path.read_text(encoding="utf-8").strip()
        if kept:
            return kept
    made = secrets.token_urlsafe(48)
    _private_file(path, made + "\n")
    return made


def config_problems(sso: SsoSettings) -> list[str]:
    """What keeps oidc mode from working, in Chinese, one line per variable (empty when it can start)."""
    needed = {"YUQING_OIDC_METADATA_URL": sso.metadata_url, "YUQING_OIDC_CLIENT_ID": sso.client_id,
              "YUQING_OIDC_CLIENT_SECRET": sso.client_secret}
    problems = [f"没有设置 {name}" for name, value in needed.items() if not value.strip()]
    if not sso.redirect_uri.rstrip("/").endswith(CALLBACK_PATH):
        problems.append(f"YUQING_OIDC_REDIRECT_URI 应以 {CALLBACK_PATH} 结尾（现为 {sso.redirect_uri}）")
    try:
        parse_role_map(sso.role_map)
    except SsoConfigError as exc:
        problems.append(str(exc))
    return problems


def auth_section(sso: SsoSettings, secret: str) -> dict[str, Any]:
    """Streamlit's `[auth]` section: the shared redirect URI and cookie key, and one named provider."""
    return {
        "redirect_uri": sso.redirect_uri.rstrip("/"),
        "cookie_secret": secret,
        PROVIDER: {"client_id": sso.client_id, "client_secret": sso.client_secret,
                   "server_metadata_url": sso.metadata_url,
                   "client_kwargs": {"scope": "openid profile email"}},
    }


def _toml_value(value: Any) -> str:
    # JSON's string escapes (\" \\ \n \uXXXX) are valid in TOML basic strings.
    return json.dumps(value, ensure_ascii=False)


def secrets_toml(section: Mapping[str, Any], name: str = "auth") -> str:
    """The section as TOML: plain keys first, then each nested table under its dotted name."""
    lines = [f"[{name}]"]
    tables = {key: value for key, value in section.items() if isinstance(value, Mapping)}
    lines += [f"{key} = {_toml_value(value)}" for key, value in section.items() if key not in tables]
    text = "\n".join(lines) + "\n"
    for key, table in tables.items():
        text += "\n" + secrets_toml(table, f"{name}.{key}")
    return text


def write_secrets(settings: Settings, sso: SsoSettings) -> Path:
    """Write the secrets file Streamlit reads (its `secrets.files` option names it) and return its path."""
    problems = config_problems(sso)
    if problems:
        raise SsoConfigError("统一身份认证（YUQING_AUTH=oidc）的设置不完整：" + "；".join(problems)
                             + "。请按 docs/security.md 的“统一身份认证（SSO）设置”补齐后再启动。")
    path = private_dir(settings) / "secrets.toml"
    _private_file(path, "# 由 python -m dashboard serve 生成，每次启动重写；含密钥，勿复制、勿提交。\n"
                  + secrets_toml(auth_section(sso, cookie_secret(settings))))
    return path


def parse_role_map(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """`("领导=leader", "admins=admin")` → {claim value: role}; an unknown role is a configuration error."""
    mapping = {}
    for pair in pairs:
        value, sep, role = pair.partition("=")
        if not sep or not value.strip() or role.strip() not in ROLES:
            raise SsoConfigError(f"YUQING_OIDC_ROLE_MAP 中的“{pair}”应写成 声明值=角色，"
                                 f"角色为 {'、'.join(ROLES)} 之一")
        mapping[value.strip()] = role.strip()
    return mapping


def role_from_claims(claims: Mapping[str, Any], role_claim: str, mapping: Mapping[str, str]) -> str | None:
    """The role the token's `role_claim` grants through `mapping`, or None (no claim, no mapped value).

    A claim may be one value or a list (groups); when several values map to roles the one with the most
    rights wins, as when a person belongs to several groups of the provider."""
    value = claims.get(role_claim)
    values = value if isinstance(value, (list, tuple)) else [value]
    granted = {mapping.get(str(v).strip()) for v in values if v is not None}
    ranked = [role for role in ROLES if role in granted]
    return ranked[-1] if ranked else None


def token_issued_at(claims: Mapping[str, Any]) -> datetime | None:
    """The identity token's issue time (`iat`, seconds since 1970, UTC), or None when absent or unreadable."""
    value = claims.get("iat")
    if isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def sso_expired(issued_at: datetime | None, now: datetime, absolute_minutes: float) -> bool:
    """True once `absolute_minutes` have passed since the token was issued. A token without a readable
    issue time is expired: its age cannot be bounded. Naive times are local time (as `datetime.now()`)."""
    if issued_at is None:
        return True
    age_minutes = (now.astimezone() - issued_at.astimezone()).total_seconds() / 60
    return age_minutes >= absolute_minutes


def local_time(moment: datetime) -> datetime:
    """`moment` as a naive local time, the way sessions and the audit log keep times."""
    return moment.astimezone().replace(tzinfo=None)


def display_name(claims: Mapping[str, Any]) -> str:
    """Who signed in, as people know them: the provider's user name, else name, e-mail or subject."""
    for claim in ("preferred_username", "name", "email", "sub"):
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return "（未知用户）"


def sign_in(account: Mapping[str, Any] | None, claims: Mapping[str, Any], sso: SsoSettings,
            now: datetime) -> Session | None:
    """The session of a valid (unexpired) sign-in, or None when it grants no role.

    `account` is the users row registered for the token's subject (users.find_by_subject): when there is
    one it decides everything (role, departments, regions; disabled means refused), so an administrator
    can narrow or stop a person the provider still vouches for. Without one the role claim decides, with
    no department or region restriction."""
    issued = token_issued_at(claims) or now
    if account is not None:
        if account.get("disabled"):
            return None
        user, role = account["name"], account["role"]
        departments, regions = tuple(account.get("departments") or ()), tuple(account.get("regions") or ())
        desk = bool(account.get("desk"))
    else:
        user, departments, regions, desk = display_name(claims), (), (), False
        role = role_from_claims(claims, sso.role_claim, parse_role_map(sso.role_map))
    if role not in ROLES:
        return None
    return Session(user=user, role=role, departments=departments, regions=regions,
                   login_at=local_time(issued), last_seen=local_time(now), method="oidc", desk=desk)
