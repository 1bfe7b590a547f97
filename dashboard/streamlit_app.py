"""The router: page config, the store, live refresh, navigation. Pages live in app_pages/."""
from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/streamlit_app.py` puts dashboard/ on sys.path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st  # noqa: E402

from dashboard.core.access.roles import may_open  # noqa: E402
from dashboard.core.store import StoreBusy  # noqa: E402
from dashboard.ui.auth import logout_button, require_login  # noqa: E402
from dashboard.ui.filters import sidebar as sidebar_filters  # noqa: E402
from dashboard.ui.store import get_store, refresh_on_new_data  # noqa: E402
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

# Nothing below draws for a visitor who has not logged in (docs/security.md).
session = require_login()
refresh_on_new_data()

# Each page: its file in app_pages/ (the name core/access/roles.py lists), title, icon.
PAGES = [
    ("overview", "总览", ":material/dashboard:"),
    ("hot", "热点与预警", ":material/local_fire_department:"),
    ("trends", "趋势", ":material/show_chart:"),
    ("categories", "分类", ":material/category:"),
    ("words", "词云", ":material/cloud:"),
    ("departments", "部门", ":material/apartment:"),
    ("items", "明细", ":material/list_alt:"),
    ("admin", "数据管理", ":material/database:"),
]
# Only the pages the role may open exist for this session (a URL to another one opens the default page).
pages = {name: st.Page(PAGES_DIR / f"{name}.py", title=title, icon=icon, url_path=name, default=name == "overview")
         for name, title, icon in PAGES if may_open(session.role, name)}
navigation = st.navigation(list(pages.values()))
logout_button()
if navigation is not pages.get("admin"):   # the global filters (in the URL) for every page but 数据管理
    sidebar_filters(navigation.url_path)
demo_banner()
navigation.run()
