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


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with BOM (Excel opens it without mojibake), formula-safe."""
    return protect_frame(frame).to_csv(index=False).encode("utf-8-sig")
