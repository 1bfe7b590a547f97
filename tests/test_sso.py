"""Single sign-on without a browser: claims → role, expiry from the token's issue time (time injected), the
secrets file `serve` writes for Streamlit's st.login, and `serve` refusing incomplete oidc settings."""
from __future__ import annotations

import stat
import tomllib
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from dashboard.core.access import sso
from dashboard.core.config import SsoSettings, environment_variables

MAPPING = {"leader": "leader", "analyst": "analyst", "admin": "admin", "舆情领导": "leader", "信息中心": "admin"}
ISSUED = datetime(2026, 12, 5, 1, 0, tzinfo=timezone.utc)


def oidc(**changes) -> SsoSettings:
    base = SsoSettings(metadata_url="http://127.0.0.1:9/.well-known/openid-configuration",
                       client_id="yuqing-dashboard", client_secret='s3cr"et\\x', redirect_uri=
                       "http://127.0.0.1:{port}/oauth2callback")
    return replace(base, **changes)


@pytest.mark.parametrize("claims, role", [
    ({"role": "analyst"}, "analyst"),
    ({"role": "舆情领导"}, "leader"),
    ({"role": " admin "}, "admin"),
    ({"role": ["leader", "信息中心"]}, "admin"),         # several groups: the most rights
    ({"role": ["访客", "analyst"]}, "analyst"),
    ({"role": "访客"}, None),                             # a value the map does not know grants nothing
    ({"role": []}, None),
    ({"role": None}, None),
    ({"groups": "admin"}, None),                          # another claim is not read
    ({}, None),
])
def test_role_from_claims(claims, role):
    assert sso.role_from_claims(claims, "role", MAPPING) == role


def test_roles_ranked_as_the_roles_table_lists_them():
    from dashboard.core.access import roles

    assert sso.ROLES == ("informant", "leader", "analyst", "admin") == tuple(roles.ROLES)


def test_role_from_another_claim_name():
    assert sso.role_from_claims({"groups": ["analyst"], "role": "admin"}, "groups", MAPPING) == "analyst"


def test_role_map_parsed_and_checked():
    assert sso.parse_role_map(("舆情领导=leader", " 信息中心 = admin ")) == {"舆情领导": "leader", "信息中心": "admin"}
    for bad in (("领导"), ("领导=boss",), ("=admin",)):
        with pytest.raises(sso.SsoConfigError, match="YUQING_OIDC_ROLE_MAP"):
            sso.parse_role_map(bad if isinstance(bad, tuple) else (bad,))
    assert sso.parse_role_map(SsoSettings().role_map) == {"informant": "informant", "leader": "leader", "analyst": "analyst", "admin": "admin"}


def test_expiry_counts_from_the_token_issue_time():
    assert not sso.sso_expired(ISSUED, ISSUED, 480)
    assert not sso.sso_expired(ISSUED, ISSUED + timedelta(minutes=479, seconds=59), 480)
    assert sso.sso_expired(ISSUED, ISSUED + timedelta(minutes=480), 480)
    assert sso.sso_expired(ISSUED, ISSUED + timedelta(days=29), 480), "not the 30-day cookie"
    naive_local_now = datetime.fromtimestamp((ISSUED + timedelta(minutes=10)).timestamp())   # as datetime.now()
    assert not sso.sso_expired(ISSUED, naive_local_now, 480) and sso.sso_expired(ISSUED, naive_local_now, 10)


def test_issue_time_read_from_claims():
    epoch = int(ISSUED.timestamp())
    assert sso.token_issued_at({"iat": epoch}) == ISSUED
    assert sso.token_issued_at({"iat": str(epoch)}) == ISSUED
    for unreadable in ({}, {"iat": None}, {"iat": "yesterday"}, {"iat": True}, {"iat": 10**20}):
        assert sso.token_issued_at(unreadable) is None
    # A token whose age cannot be known is not trusted for any time at all.
    assert sso.sso_expired(sso.token_issued_at({}), ISSUED, 480)


def test_secrets_file_is_streamlits_auth_section_and_private(settings):
    path = sso.write_secrets(settings, oidc())
    assert path.parent == settings.data_dir / "private"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    auth = tomllib.loads(path.read_text(encoding="utf-8"))["auth"]
    assert auth["redirect_uri"] == "http://127.0.0.1:{port}/oauth2callback"
    assert len(auth["cookie_secret"]) >= 32
    provider = auth[sso.PROVIDER]
    assert provider["client_secret"] == 's3cr"et\\x', "quotes and backslashes survive TOML"
    assert provider["client_id"] == "yuqing-dashboard"
    assert provider["server_metadata_url"].endswith("/.well-known/openid-configuration")
    assert "openid" in provider["client_kwargs"]["scope"].split()


def test_cookie_secret_made_once_and_kept(settings):
    first = sso.cookie_secret(settings)
    assert sso.cookie_secret(settings) == first, "a restart keeps people signed in"
    assert stat.S_IMODE((settings.data_dir / "private" / "cookie_secret").stat().st_mode) == 0o600
    sso.write_secrets(settings, oidc())
    written = tomllib.loads((settings.data_dir / "private" / "secrets.toml").read_text(encoding="utf-8"))
    assert written["auth"]["cookie_secret"] == first


@pytest.mark.parametrize("changes, variable", [
    ({"metadata_url": ""}, "YUQING_OIDC_METADATA_URL"),
    ({"client_id": " "}, "YUQING_OIDC_CLIENT_ID"),
    ({"client_secret": ""}, "YUQING_OIDC_CLIENT_SECRET"),
    ({"redirect_uri": "http://localhost:8501/"}, "YUQING_OIDC_REDIRECT_URI"),
    ({"role_map": ("领导=boss",)}, "YUQING_OIDC_ROLE_MAP"),
])
def test_incomplete_settings_refused_naming_the_variable(settings, changes, variable):
    with pytest.raises(sso.SsoConfigError, match=variable):
        sso.write_secrets(settings, oidc(**changes))
    assert not (settings.data_dir / "private" / "secrets.toml").exists()


def test_serve_refuses_incomplete_oidc_settings_before_opening_anything(cli, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("YUQING_AUTH", "oidc")
    monkeypatch.delenv("YUQING_OIDC_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("YUQING_OIDC_METADATA_URL", "http://127.0.0.1:9/.well-known/openid-configuration")
    monkeypatch.setenv("YUQING_OIDC_CLIENT_ID", "yuqing")
    result = cli("serve", "--port", "9", data_dir=data_dir)
    assert result.returncode == 2
    assert "YUQING_OIDC_CLIENT_SECRET" in result.stderr and "docs/security.md" in result.stderr
    assert not (data_dir / "warehouse.duckdb").exists(), "refused before the store was created"
    monkeypatch.setenv("YUQING_AUTH", "ldap")
    wrong = cli("serve", "--port", "9", data_dir=data_dir)
    assert wrong.returncode == 2 and "YUQING_AUTH" in wrong.stderr


def test_sso_variables_declared_once():
    names = [v["env"] for v in environment_variables()]
    for name in ("YUQING_AUTH", "YUQING_OIDC_METADATA_URL", "YUQING_OIDC_CLIENT_ID", "YUQING_OIDC_CLIENT_SECRET",
                 "YUQING_OIDC_REDIRECT_URI", "YUQING_OIDC_ROLE_CLAIM", "YUQING_OIDC_ROLE_MAP"):
        assert names.count(name) == 1, name


NOW = datetime(2026, 12, 5, 9, 30)     # naive local time, as datetime.now() gives it
CLAIMS = {"sub": "u-1001", "preferred_username": "zhang.san", "role": "analyst", "iat": int(NOW.timestamp()) - 60}


def test_sign_in_by_the_role_claim_without_an_account():
    session = sso.sign_in(None, CLAIMS, oidc(), NOW)
    assert (session.user, session.role, session.method) == ("zhang.san", "analyst", "oidc")
    assert session.departments == () and session.regions == ()
    assert session.login_at == NOW - timedelta(minutes=1), "login time is the token's issue time"
    assert session.last_seen == NOW
    assert sso.sign_in(None, dict(CLAIMS, role="访客"), oidc(), NOW) is None
    assert sso.sign_in(None, {k: v for k, v in CLAIMS.items() if k != "role"}, oidc(), NOW) is None
    mapped = oidc(role_claim="groups", role_map=("舆情领导=leader",))
    assert sso.sign_in(None, dict(CLAIMS, groups=["舆情领导"]), mapped, NOW).role == "leader"


def test_the_users_table_decides_for_a_registered_subject(con):
    from dashboard.core.access import users

    users.add(con, "张三", "leader", None, NOW, sso_subject="u-1001", departments=("市住建局",), regions=("东城区",))
    account = users.find_by_subject(con, "u-1001")
    assert users.find_by_subject(con, "u-9999") is None
    session = sso.sign_in(account, CLAIMS, oidc(), NOW)     # the claim says analyst: the table wins
    assert (session.user, session.role) == ("张三", "leader")
    assert session.departments == ("市住建局",) and session.regions == ("东城区",)
    assert sso.sign_in(dict(account, disabled=True), CLAIMS, oidc(), NOW) is None, "disabled: refused, no fallback"
    assert sso.sign_in(dict(account, role="editor"), CLAIMS, oidc(), NOW) is None, "an unknown role grants nothing"
    editor = sso.sign_in(dict(account, role="analyst", desk=True, unit="东城区网信办"), CLAIMS, oidc(), NOW)
    assert (editor.role, editor.desk, editor.editor) == ("analyst", True, True)


def test_user_add_with_an_sso_subject(cli, tmp_path):
    from dashboard.core import store
    from dashboard.core.access import users

    data_dir = tmp_path / "data"
    added = cli("user", "add", "王五", "--role", "analyst", "--department", "市住建局", "--sso-subject", "u-3003",
                data_dir=data_dir)
    assert added.returncode == 0, added.stderr
    assert "统一身份认证主体 u-3003" in added.stdout and "一次性密码" not in added.stdout
    again = cli("user", "add", "王五二", "--role", "admin", "--sso-subject", "u-3003", data_dir=data_dir)
    assert again.returncode == 2 and "已登记给另一个用户" in again.stderr
    con = store.connect(data_dir / "warehouse.duckdb")
    try:
        account = users.find_by_subject(con, "u-3003")
        assert (account["name"], account["role"], account["departments"]) == ("王五", "analyst", ("市住建局",))
        assert account["password_hash"] is None
        refused = users.login(con, "王五", "", NOW)
        assert refused.account is None, "an SSO-only account cannot log in with a local password"
        session = sso.sign_in(account, dict(CLAIMS, sub="u-3003", role="admin"), oidc(), NOW)
        assert (session.user, session.role, session.departments) == ("王五", "analyst", ("市住建局",))
    finally:
        con.close()
