"""The desk pages' Streamlit side: reads that must be current (the desk changes without an ingest, so these
bypass the per-data-version cache, still through the choke point), and one way to run a desk action —
refused actions show their Chinese reason, successful ones a short notice after the rerun."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboard.core.access import choke
from dashboard.core.desk.kinds import DeskError
from dashboard.ui import auth
from dashboard.ui.store import get_store

_NOTICE = "_desk_notice"


def live(name: str, **params: Any) -> pd.DataFrame:
    """Query `name` as the logged-in account may run it, uncached."""
    return choke.run_as(get_store().con, auth.current_session(), name, **params)


def act(action: Callable[..., Any], *args: Any, done: str | Callable[[Any], str], **kwargs: Any) -> None:
    """Run a core desk action as the logged-in account, now; rerun with `done` shown (a text with {result},
    or a function of the result), or show why not."""
    try:
        result = action(get_store().con, auth.current_session(), *args, now=auth.now(), **kwargs)
    except DeskError as refused:
        st.error(str(refused))
        return None
    except duckdb.TransactionException:   # two people changed the same row at once: nothing was written
        st.error("有人同时在处理同一条内容，本次操作没有保存。请刷新页面后再试。")
        return None
    st.session_state[_NOTICE] = done(result) if callable(done) else done.format(result=result)
    st.rerun()


def notice() -> None:
    """The notice of the action that led to this run, once."""
    if text := st.session_state.pop(_NOTICE, None):
        st.success(text)


def editor() -> bool:
    session = auth.current_session()
    return session is not None and session.editor


def pick_button(origin: str, source_key: str, item_ids: list[str], key: str, headline: str | None = None,
                wording: str | None = None) -> None:
    """加入摘报: an editor's button that puts an item, an alert or a topic on the desk."""
    if not editor():
        return
    from dashboard.core.desk import candidates

    if st.button("加入摘报", key=key, icon=":material/playlist_add:",
                 help="放入编辑台的候选信息，由编辑确定类别、撰写编者按后编入《重要舆情摘报》。"):
        act(candidates.pick, origin, source_key, [str(i) for i in item_ids], headline=headline, wording=wording,
            done=lambda new: "已加入编辑台。" if new else "这一条已在编辑台上，未重复加入。")
