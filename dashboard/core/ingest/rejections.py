"""Refused rows as people may see them: their cells and reasons with personal data masked.

The store keeps every refused row's cells verbatim (`rejected_rows.raw`), so an administrator can fix
and re-drop the file. What leaves the store — the 数据管理 page's table and download, the
`…rejected.csv` report beside an archived file — goes through `shown_row` / `shown_rejected_rows`:
phone and ID numbers and e-mail addresses are masked in every cell and in the reason (a reason quotes
the offending cell), and the author column is masked like everywhere else.

There are no user roles yet, so everyone gets the masked view. The roles issue adds the unmasked view
for administrators at one seam: the `personal_data` argument (False = masked, the only value used today).
"""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from dashboard.core.ingest.mapping import map_columns
from dashboard.core.text.pii import mask_name, mask_text


def _masked_cell(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        # a number cell (XLSX) may hold a phone number; mask it as the text it shows
        text = str(value)
        masked, kinds = mask_text(text)
        return masked if kinds else value
    return mask_text(str(value))[0]


def _author_headers(headers: list[str]) -> set[str]:
    """The headers a file's author would be under (the built-in aliases: 作者, 留言用户, author …)."""
    columns = map_columns(headers)
    index = columns.fields.get("author")
    return set() if index is None else {headers[index]}


def shown_row(raw: dict[str, Any], personal_data: bool = False) -> dict[str, Any]:
    """A refused row's cells (header -> value) as shown; `personal_data` True only for roles allowed to
    see personal data (none yet)."""
    if personal_data:
        return dict(raw)
    authors = _author_headers(list(raw))
    return {header: (mask_name(str(value)) if header in authors and value is not None else _masked_cell(value))
            for header, value in raw.items()}


def shown_reason(reason: str | None, personal_data: bool = False) -> str | None:
    """A refusal reason as shown: it may quote a cell (「13912345678」无法识别)."""
    if reason is None or personal_data:
        return reason
    return mask_text(reason)[0]


def shown_raw_json(raw: str | None, personal_data: bool = False) -> str | None:
    """`rejected_rows.raw` (a JSON object of the row's cells) as shown."""
    if raw is None or personal_data:
        return raw
    try:
        cells = json.loads(raw)
    except ValueError:      # not JSON: mask it as text
        return mask_text(raw)[0]
    if not isinstance(cells, dict):
        return mask_text(raw)[0]
    return json.dumps(shown_row(cells), ensure_ascii=False, default=str)


def shown_rejected_rows(frame: pd.DataFrame, personal_data: bool = False) -> pd.DataFrame:
    """The rows of queries/admin/rejected_rows.sql as shown (reason and raw masked)."""
    shown = frame.copy()
    if "reason" in shown.columns:
        shown["reason"] = shown["reason"].map(lambda r: shown_reason(r, personal_data))
    if "raw" in shown.columns:
        shown["raw"] = shown["raw"].map(lambda r: shown_raw_json(r, personal_data))
    return shown
