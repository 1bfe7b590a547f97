"""The router: page config, the store, live refresh, navigation. Pages live in app_pages/."""
from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/streamlit_app.py` puts dashboard/ on sys.path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st  # noqa: E402

from dashboard.core.store import StoreBusy  # noqa: E402
from dashboard.ui.auth import require_login  # noqa: E402
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

require_login()   # nothing below is drawn before a sign-in
refresh_on_new_data()

admin_page = st.Page(PAGES_DIR / "admin.py", title="数据管理", icon=":material/database:", url_path="admin")
navigation = st.navigation([
    st.Page(PAGES_DIR / "overview.py", title="总览", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page(PAGES_DIR / "hot.py", title="热点与预警", icon=":material/local_fire_department:", url_path="hot"),
    st.Page(PAGES_DIR / "trends.py", title="趋势", icon=":material/show_chart:", url_path="trends"),
    st.Page(PAGES_DIR / "categories.py", title="分类", icon=":material/category:", url_path="categories"),
    st.Page(PAGES_DIR / "words.py", title="词云", icon=":material/cloud:", url_path="words"),
    st.Page(PAGES_DIR / "departments.py", title="部门", icon=":material/apartment:", url_path="departments"),
    st.Page(PAGES_DIR / "items.py", title="明细", icon=":material/list_alt:", url_path="items"),
    admin_page,
])
if navigation is not admin_page:   # the global filters (in the URL) for every page but 数据管理
    sidebar_filters(navigation.url_path)
demo_banner()
navigation.run()
