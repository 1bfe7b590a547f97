"""The router: page config, the store, live refresh, navigation. Pages live in app_pages/."""
from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/streamlit_app.py` puts dashboard/ on sys.path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st  # noqa: E402

from dashboard.core.access.roles import may_open  # noqa: E402
from dashboard.core.store import StoreBusy  # noqa: E402
from dashboard.ui.auth import login_screen, logout_button, sync_cookie, valid_session  # noqa: E402
from dashboard.ui.filters import sidebar as sidebar_filters  # noqa: E402
from dashboard.ui.store import get_store, refresh_on_new_data  # noqa: E402
from dashboard.ui.style import apply as apply_style  # noqa: E402
from dashboard.ui.widgets import demo_banner  # noqa: E402

PAGES_DIR = Path(__file__).parent / "app_pages"

st.set_page_config(page_title="舆情态势感知", page_icon="📊", layout="wide")

try:
    get_store()
except StoreBusy:
    st.error("数据库正被另一个程序占用（例如正在运行的命令行导入）。请等它结束后刷新本页。")
    st.stop()
except Exception as exc:  # the one place a start-up failure is shown
    st.error(f"无法打开数据库：{exc}。请检查 data/ 目录的权限和磁盘空间后刷新本页。")
    st.stop()


def pages(session) -> tuple[list, dict]:
    """The pages in the sidebar the session's role (and desk right) may open (core/access/roles.py; a URL to another one opens the
    default page; before the login every page, so the address asked for opens after it), then hidden
    aliases so every address a user might type opens its page: /overview (Streamlit serves the default
    page only at the root and ignores its url_path, so 总览 reserves "home" and /overview is an alias)
    and each page's Chinese name (/热点与预警).
    Returns the pages for st.navigation and, for every url_path, the page's own one."""
    listed = [
        ("overview.py", "总览", ":material/dashboard:", "home"),
        ("hot.py", "热点与预警", ":material/local_fire_department:", "hot"),
        ("trends.py", "趋势", ":material/show_chart:", "trends"),
        ("categories.py", "分类", ":material/category:", "categories"),
        ("words.py", "词云", ":material/cloud:", "words"),
        ("departments.py", "部门", ":material/apartment:", "departments"),
        ("items.py", "明细", ":material/list_alt:", "items"),
        ("submit.py", "信息报送", ":material/edit_note:", "submit"),
        ("desk.py", "编辑台", ":material/edit_document:", "desk"),
        ("issues.py", "摘报", ":material/article:", "issues"),
        ("records.py", "报送统计", ":material/leaderboard:", "records"),
        ("admin.py", "数据管理", ":material/database:", "admin"),
        ("wall.py", "大屏", ":material/tv:", "wall"),
    ]
    listed = [entry for entry in listed
              if session is None or may_open(session.role, Path(entry[0]).stem, session.desk)]
    # the default page (总览; an informant's is 信息报送) reserves "home" and answers at its own name as an alias
    home = listed[0][3] if session is not None else "home"
    shown = [st.Page(PAGES_DIR / file, title=title, icon=icon, url_path="home" if path == home else path,
                     default=path == home) for file, title, icon, path in listed]
    aliases = [st.Page(PAGES_DIR / file, title=title, url_path=alias, visibility="hidden")
               for file, title, _, path in listed
               for alias in ({"home": "overview"}.get(path, path if path == home else None), title) if alias]
    own = {page.url_path: path for page, (_, _, _, path) in zip(shown, listed)}
    own.update({alias.url_path: own[page.url_path] for alias in aliases for page in shown
                if alias.title == page.title})
    return shown + aliases, own


# Nothing but the login form draws for a visitor who has not logged in (docs/security.md).
session = valid_session()
page_list, own_path = pages(session)
navigation = st.navigation(page_list, position="sidebar" if session else "hidden")
apply_style(wall=own_path[navigation.url_path] == "wall" and session is not None)
if session is None:
    login_screen()
sync_cookie()      # a login that began (or ended) in this run: the browser keeps (or forgets) it
refresh_on_new_data()
if own_path[navigation.url_path] != "wall":
    logout_button()
# the global filters (in the URL), but not on 数据管理, 大屏 and the desk's pages (they do not filter items)
if own_path[navigation.url_path] not in ("admin", "wall", "submit", "desk", "issues", "records"):
    sidebar_filters(own_path[navigation.url_path])
demo_banner()
navigation.run()
