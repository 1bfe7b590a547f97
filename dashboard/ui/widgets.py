"""Shared page parts: "数据截至", empty states, KPI cards, charts with drill-down, item tables.

Item text is untrusted. It is only ever shown through st.dataframe, st.text or plotly (whose labels
core/charts escapes) — never through markdown or HTML. Text built from data values (category names
in a caption) goes through md_escape first.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.core.access import choke, roles
from dashboard.core.display.drilldown import Drill
from dashboard.core.display.kpis import Kpi
from dashboard.core.display.plotly_config import plotly_config
from dashboard.core.display.tables import item_table, without_gaps
from dashboard.core.filters import Filters, period_bounds_text
from dashboard.ui import auth
from dashboard.ui import filters as ui_filters
from dashboard.ui.store import get_store, query

ITEMS_PAGE = "app_pages/items.py"
ADMIN_PAGE = "app_pages/admin.py"
# How item tables (tables.item_table) show their columns.
ITEM_COLUMNS = {
    "发布时间": st.column_config.DatetimeColumn("发布时间", format="YYYY-MM-DD HH:mm"),
    "答复时间": st.column_config.DatetimeColumn("答复时间", format="YYYY-MM-DD HH:mm"),
    "标题": st.column_config.TextColumn("标题", width="large"),
}
PREVIEW_ROWS = 200
_ZERO_CHANGE = re.compile(r"^[+-]?0(\.0+)?(%| |$)")
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")      # every ASCII punctuation character


def md_escape(text: Any) -> str:
    """Data text made inert for st.markdown/st.caption: every ASCII punctuation character is
    backslash-escaped (CommonMark allows that for all of them), which also disarms links, autolinks,
    LaTeX ($), Streamlit's :colour[…] and :emoji: directives; newlines become spaces."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text)).replace("\n", " ")


def _stamp(value: Any, width: int = 16) -> str:
    return "—" if value is None or pd.isna(value) else str(value)[:width]


def data_status() -> bool:
    """'数据截至 …' under the title; friendly states for an empty store or a running ingest.
    Returns False when there is nothing to show yet (the page should stop)."""
    summary = ui_filters.store_summary()
    busy = getattr(get_store().watcher, "busy_with", None)
    if int(summary["items"]) == 0:
        if busy:
            st.info("首批数据正在入库，完成后本页会自动刷新。")
        else:
            st.info("数据库中还没有数据。请到「数据管理」页上传文件，或把文件放入收件箱文件夹"
                    f"（{md_escape(get_store().settings.inbox_dir)}）；"
                    "入库后本页会自动刷新。")
            st.page_link(ADMIN_PAGE, label="前往「数据管理」", icon="🗂️")
        return False
    st.caption(f"数据截至 {_stamp(summary['last_published'])}（最新条目）· 最近入库 "
               f"{_stamp(summary['last_ingest'], 19)} · 共 {int(summary['items']):,} 条")
    if busy:
        st.info("正在入库新文件，完成后本页会自动刷新。")
    return True


def demo_banner() -> None:
    """One line on every page while the store holds demo items: the figures are not real."""
    role = auth.current_role()
    if role is None or not role.reads_items:       # an informant's page shows no figures
        return
    demo = int(ui_filters.store_summary()["demo_items"])
    if demo:
        st.warning(f"演示数据：库中 {demo:,} 条信息为虚构的演示数据，不代表真实情况。导入第一个真实文件时会自动删除"
                   "（管理员也可用命令行删除，见使用说明）。", icon=":material/science:")


def no_items_note() -> None:
    st.info("所选时间和筛选条件下没有条目。可以放宽筛选条件、换一个时间范围，或点侧栏的「重置筛选」。")


def period_summary_or_stop(f: Filters) -> tuple[dict, Filters, pd.Series]:
    """The filter's parameters, the filters of the period before, and the period's summary
    (trends/summary); stops the page with a note when nothing matches."""
    params = f.params()
    summary = query("trends/summary", **params).iloc[0]
    if int(summary["items"]) == 0:
        no_items_note()
        st.stop()
    return params, f.with_period(f.period.previous()), summary


def kpi_cards(kpis: list[Kpi]) -> None:
    """One st.metric per KPI: value, 环比 as the delta, 同比 underneath, the formula in the help.
    The row wraps two by two at phone width (ui/style.py, containers keyed kpis_…)."""
    row = st.container(key=view_key("kpis", [k.label for k in kpis]))
    columns = row.columns(len(kpis))
    for column, kpi in zip(columns, kpis):
        with column:
            delta = kpi.change if kpi.change not in ("—", "无数据", "新出现") else None
            flat = delta is not None and _ZERO_CHANGE.match(delta) is not None
            st.metric(kpi.label, kpi.text + (" ⚠" if kpi.small_base else ""), delta=delta,
                      delta_color="off" if flat or not kpi.higher_is_worse else "inverse",
                      delta_arrow="off" if flat else "auto",
                      delta_description="环比" if delta else None, help=kpi.help, border=True)
            notes = ([f"同比 {kpi.year_change}"] if kpi.year_change != "—" else []) + (
                ["分母过小"] if kpi.small_base else []) + list(kpi.notes)
            if notes:
                st.caption(" · ".join(notes))
            if kpi.caption:
                st.caption(md_escape(kpi.caption))


def view_key(prefix: str, *parts: Any) -> str:
    """A widget key tied to what a figure or table shows: when the filters (or the view options)
    change, the key changes, so an old click never drills into a figure that is no longer there."""
    digest = hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:10]
    return f"{prefix}_{digest}"


def day_picker(key: str, default_day: Any, hour: int) -> Any:
    """The one-day picker of 总览 and 热点与预警: defaults to the last day of the sidebar range."""
    return st.date_input("监测日" if hour else "日期", value=default_day, max_value=default_day, format="YYYY-MM-DD",
                         key=view_key(key, default_day, hour),
                         help="默认是侧栏时间范围的最后一天；数据早于今天时即最新数据所在的一天。")


def _remember(group: str, key: str) -> Callable[[], None]:
    def callback() -> None:
        st.session_state[f"_last_selection_{group}"] = key
    return callback


def last_selected(group: str) -> str | None:
    """The key of the chart or table of `group` the user selected in most recently."""
    return st.session_state.get(f"_last_selection_{group}")


def pick_drill(group: str, candidates: dict[str, Callable[[], Drill | None]]) -> Drill | None:
    """The drill-down of the chart or table (by key) the user selected in last; when none is on
    record (a selection restored or set programmatically), the first one that has a selection."""
    chosen = last_selected(group)
    if chosen in candidates:
        drill = candidates[chosen]()
        if drill is not None:
            return drill
    for make in candidates.values():
        drill = make()
        if drill is not None:
            return drill
    return None


def chart(fig: go.Figure, key: str, group: str | None = None, selectable: bool = True) -> Any:
    """A plotly figure; with `selectable`, clicks (and box selections) rerun the page with the event.
    `group` records which of several selectable charts on a page was used last (last_selected)."""
    if not selectable:
        st.plotly_chart(fig, key=key, config=plotly_config())
        return None
    on_select: Any = _remember(group, key) if group else "rerun"
    return st.plotly_chart(fig, key=key, on_select=on_select, selection_mode=("points", "box"),
                           config=plotly_config(selectable=True))


def _format_of(config: Any) -> str | None:
    return ((config or {}).get("type_config") or {}).get("format") if isinstance(config, dict) else None


def table(data: Any, *, column_config: dict | None = None, **kwargs: Any) -> Any:
    """st.dataframe without raw gaps: empty cells read "—" (tables.without_gaps); a number or time
    column with gaps is shown as text, written as its column format would have written it."""
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    config = dict(column_config or {})
    frame, converted = without_gaps(frame, {c: _format_of(config.get(c)) for c in frame.columns})
    for column in converted:
        old = config.get(column) if isinstance(config.get(column), dict) else {}
        config[column] = st.column_config.TextColumn(old.get("label") or column, help=old.get("help"),
                                                     width=old.get("width"))
    return st.dataframe(frame, column_config=config or None, **kwargs)


def selectable_table(frame: pd.DataFrame, key: str, group: str | None = None, multi: bool = False,
                     **kwargs: Any) -> list[int]:
    """A st.dataframe whose rows can be picked; returns the picked row positions."""
    on_select: Any = _remember(group, key) if group else "rerun"
    event = table(frame, key=key, on_select=on_select, hide_index=True,
                         selection_mode="multi-row" if multi else "single-row", **kwargs)
    return list(event.selection.rows) if event is not None else []


def drill_panel(drill: Drill | None, key: str, hint: str = "点击图中的柱、色块或格子，可在此查看对应的条目。") -> None:
    """The items behind a clicked mark: count, the newest rows, CSV download, a link to 明细."""
    if drill is None:
        st.caption(hint)
        return
    params = drill.params()
    total = int(query("items/count", **params).iat[0, 0])
    st.markdown(f"**下钻明细**　{md_escape(drill.label)}")
    if total == 0:
        st.info("所选部分没有条目。")
        return
    rows = query("items/list", **params, limit=PREVIEW_ROWS, offset=0)
    st.caption(f"共 {total:,} 条" + (f"，下方显示最新 {PREVIEW_ROWS} 条" if total > PREVIEW_ROWS else ""))
    table(item_table(rows), hide_index=True, key=f"{key}_table", height=320, column_config=ITEM_COLUMNS)
    left, right = st.columns(2)
    with left:
        if may_export_items():
            st.download_button("下载这些条目（CSV）", export_builder(params),
                               file_name=f"{export_name('drilldown', drill.filters)}.csv",
                               mime="text/csv", key=f"{key}_csv", on_click="ignore")
    with right:
        if st.button("在「明细」页中打开", key=f"{key}_open"):
            st.switch_page(ITEMS_PAGE, query_params=ui_filters.drill_query(drill, ui_filters.current_state()))


def export_name(prefix: str, filters: Filters) -> str:
    """A file name that says which days it holds, the last one included: items_2024-04-24_2024-04-30
    (for the 08:00 monitoring days 04-24 to 04-30, which end at 05-01 08:00)."""
    if filters.period is None:
        return prefix
    first, last = period_bounds_text(filters.period, filters.day_start_hour)
    return f"{prefix}_{first}_{last}".replace(":", "")


def may_export_items() -> bool:
    """Whether the logged-in role may download items (CSV/XLSX): analysts and administrators."""
    role = auth.current_role()
    return bool(role and role.item_exports)


def export_builder(params: dict, kind: str = "csv") -> Callable[[], bytes]:
    """A deferred export of every item matching `params` (run when the download is clicked, on its
    own thread, so it reads the store directly rather than through the page's caches), as the logged-in
    account may export them (core/access/choke.export_items: scoped, masked, signed and audited)."""
    con = get_store().con
    session = auth.current_session()

    def build() -> bytes:
        return choke.export_items(con, session, params, kind, auth.now())
    return build


def original_text(item_id: str, filters: Filters) -> None:
    """显示原文 (administrators only): the item's unmasked title, content, reply and author, read through a
    query only an administrator's session runs; every press writes an audit row."""
    session = auth.current_session()
    if session is None or not roles.ROLES[session.role].unmasked_text:
        return
    if not st.button("显示原文", key=f"original_{item_id}", icon=":material/visibility:",
                     help="显示未遮蔽的标题、内容、答复和作者（仅管理员；每次查看都记入审计日志）。"):
        return
    raw = choke.run_as(get_store().con, session, "access/item_original", filters=filters.record(), item_id=item_id)
    auth.record("show_original", query="access/item_original", parameters={"item_id": item_id}, row_count=len(raw))
    if raw.empty:
        st.info("该条目已不在当前筛选结果中。")
        return
    st.warning("以下为未遮蔽的原文，含个人信息，请勿外传。本次查看已记入审计日志。")
    for label, column in (("标题（原文）", "title"), ("内容（原文）", "content"), ("答复（原文）", "reply_content"),
                          ("作者（原文）", "author")):
        value = raw.iloc[0][column]
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            continue
        name, text = st.columns([1, 6])
        name.caption(label)
        text.text(str(value))
