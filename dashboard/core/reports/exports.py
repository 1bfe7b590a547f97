"""Protect exported spreadsheet cells: Excel runs a cell starting with = + - @ as a formula."""
from __future__ import annotations

from typing import Any

import pandas as pd

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    """Text that Excel would treat as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def protect_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell made safe for spreadsheets."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(safe_cell)
    return safe


def with_footer(frame: pd.DataFrame, line: str) -> pd.DataFrame:
    """`frame` with one more row: `line` (who exported it and when) in its first column, the rest empty."""
    if not len(frame.columns):
        return pd.DataFrame({"说明": [line]})
    footer = pd.DataFrame([[line] + [None] * (len(frame.columns) - 1)], columns=frame.columns)
    return pd.concat([frame.astype(object), footer], ignore_index=True)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with BOM (Excel opens it without mojibake), formula-safe."""
    return protect_frame(frame).to_csv(index=False).encode("utf-8-sig")


# Beyond this many rows the item list offers CSV only: XLSX is written at ~2,000 rows a second.
XLSX_MAX_ROWS = 50_000
_XLSX_CELL_LIMIT = 32_767
_CUT_NOTE = "…（超出 Excel 单元格上限，已截断；完整内容见 CSV 导出）"


def _fit_cell(text: str) -> str:
    if len(text) <= _XLSX_CELL_LIMIT:
        return text
    return text[: _XLSX_CELL_LIMIT - len(_CUT_NOTE)] + _CUT_NOTE


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "条目") -> bytes:
    """An XLSX workbook (openpyxl, write-only: about 2,500 rows of items a second), formula-safe like
    csv_bytes; times without time zone, shown as yyyy-mm-dd hh:mm.

    Control characters that XLSX cannot store (U+0000–U+001F except tab, newline, carriage return)
    are dropped from text cells instead of failing the whole export. Excel holds at most 32,767
    characters in a cell; longer text (content may have up to 50,000) is cut there with a note
    (the CSV export keeps it whole).
    """
    import io
    from datetime import datetime

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    cleaned = frame.copy()
    for column in cleaned.columns:
        if isinstance(cleaned[column].dtype, pd.DatetimeTZDtype):
            cleaned[column] = cleaned[column].dt.tz_localize(None)
        elif cleaned[column].dtype == object or pd.api.types.is_string_dtype(cleaned[column]):
            cleaned[column] = cleaned[column].map(
                lambda v: _fit_cell(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v)
    safe = protect_frame(cleaned)   # after cleaning: "\x01=cmd" must not become a formula
    safe = safe.astype(object).where(safe.notna(), None)

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    for index, name in enumerate(safe.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, len(str(name)) * 2 + 4))
    sheet.freeze_panes = "A2"
    sheet.append([str(name) for name in safe.columns])

    def cell(value):
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if isinstance(value, datetime):
            written = WriteOnlyCell(sheet, value=value)
            written.number_format = "yyyy-mm-dd hh:mm"
            return written
        if hasattr(value, "item") and not isinstance(value, str):   # numpy scalars
            return value.item()
        return value

    for row in safe.itertuples(index=False, name=None):
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
