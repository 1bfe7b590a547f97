"""Streamlit-side access to the store: one owned connection, cached queries, live refresh.

The dashboard process owns the DuckDB file (DESIGN.md): `serve` opens it read-write
at start-up and runs the inbox watcher in a background thread (core/ingest/inbox.py);
pages reach the same connection through `get_store()`.
Query results are cached per (query, params, data version), so a new drop
refreshes every page without a restart.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core import store
from dashboard.core.access import choke
from dashboard.core.config import Settings
from dashboard.core.ingest.inbox import Owner, open_owner


@st.cache_resource(show_spinner="正在打开数据库……")
def get_store() -> Owner:
    """The process's owned store (opened at server start by `python -m dashboard serve`)."""
    return open_owner(Settings())


def data_version() -> int:
    return store.data_version(get_store().con)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, version: int, params: tuple) -> pd.DataFrame:
    # the filter record (a dict) is hashed by its contents, the account's scope included
    return store.run_query(get_store().con, name,
                           **{k: list(v) if isinstance(v, tuple) else v for k, v in params})


def query(name: str, **params) -> pd.DataFrame:
    """Run a named query as the logged-in user may (core/access/choke.py, the choke point every page's
    query passes): a query the role may not run is refused, the account's data scope goes into the filter
    record, a role that may not see authors gets no author column. Cached until the next ingest changes
    the data version; the scope is part of the key (it is in the filter record)."""
    from dashboard.ui.auth import current_session

    session = current_session()
    params = choke.params_for(session, name, params)
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return choke.shown(_cached(name, data_version(), frozen).copy(), session)


@st.fragment(run_every="5s")
def refresh_on_new_data() -> None:
    """Reruns the whole page when an ingest has committed since it was drawn."""
    version = data_version()
    seen = st.session_state.setdefault("_data_version", version)
    if version != seen:
        st.session_state["_data_version"] = version
        st.rerun(scope="app")
