"""Turn raw cells into canonical `items` rows, and say exactly why a row is refused.

Works column by column (vectorised with pandas) so a million rows validate in
seconds; every rule adds a Chinese reason to the rows it refuses. A row with
any reason is rejected; the others are returned typed and trimmed.

Rules (docs/data-contract.md lists them for administrators):
- text: leading/trailing padding (whitespace, NBSP, U+3000, zero-width) is
  trimmed; nothing inside the text is changed;
- title and content both empty -> rejected;
- published_at missing, unparseable, before 1990 or more than a day in the
  future -> rejected; replied_at unparseable or before published_at -> rejected;
- closed vocabularies (satisfaction, sentiment, is_valid, department_level, kind)
  fold known aliases and the profile's [values]; anything else -> rejected;
- likes/dislikes must be whole numbers from 0 to 2,147,483,647 (what the column holds);
- a value longer than its field's limit -> rejected (never cut);
- a CSV row with more or fewer cells than the header -> rejected;
- a row the reader could not take apart (RawTable.faults: an undecodable line, an unclosed quote,
  a cell over the length limit) -> rejected with the reader's reason, and only that reason;
- control characters (C0 except tab/newline/carriage return, DEL, C1, U+FFFE/U+FFFF, lone
  surrogates) are removed from every text cell: they are invisible, and break XML (DOCX) and terminals.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from dashboard.core import contract
from dashboard.core.ingest.mapping import ColumnMap, Profile
from dashboard.core.ingest.readers import RawTable

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
EARLIEST_TIME = pd.Timestamp("1990-01-01")
# Trimmed from both ends of every text cell; str.strip() alone misses U+200B/U+FEFF.
PADDING = " \t\n\r\x0b\x0c\xa0\u3000\u200b\ufeff\u2028\u2029"
# Removed from inside every text cell (tab, newline and carriage return stay).
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# What the items.likes / items.dislikes INTEGER columns hold.
MAX_COUNT = 2_147_483_647
# The columns kept in `extra` (every unmapped column of a row), as JSON, at most this long.
MAX_EXTRA_CHARS = 100_000
# Longest cell kept in a rejected row's raw copy (the archived file keeps the whole of it).
MAX_RAW_CELL_CHARS = 2_000

OUTPUT_COLUMNS = (
    "id", "title", "content", "published_at", "channel", "source", "category", "subcategory", "region",
    "department", "department_level", "is_valid", "replied_at", "reply_content", "satisfaction", "sentiment",
    "author", "likes", "dislikes", "url", "extra", "kind",
)

_TIME_RE = re.compile(
    r"^(?P<year>\d{4})[-/.年](?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})日?"
    r"(?:[ T]+(?P<hour>\d{1,2})[:时点](?P<minute>\d{1,2})(?:[:分](?P<second>\d{1,2})(?:\.(?P<frac>\d{1,6}))?秒?)?分?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_COMPACT_TIME_RE = re.compile(
    r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})(?:(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})?)?$"
)


@dataclass
class Rejection:
    line: int
    reason: str
    raw: dict[str, Any]


def strip_controls(text: str) -> str:
    """`text` without control characters (see CONTROL_CHARS)."""
    return CONTROL_CHARS.sub("", text)


class _Stats:
    """What validation changed without rejecting (reported in the manifest)."""

    def __init__(self):
        self.controls_removed = 0


class _Reasons:
    """Collects reasons per row position; several rules may fire on one row."""

    def __init__(self, n: int):
        self.by_row: list[list[str]] = [[] for _ in range(n)]

    def only(self, positions: dict[int, str]) -> None:
        """These rows get exactly this reason (a reader fault makes the other rules meaningless)."""
        for pos, reason in positions.items():
            self.by_row[pos] = [reason]

    def add(self, mask: np.ndarray | pd.Series, reason_of) -> None:
        """reason_of: a fixed string, or a callable(position) -> string."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        for pos in positions:
            self.by_row[pos].append(reason_of(pos) if callable(reason_of) else reason_of)

    def bad_mask(self) -> np.ndarray:
        return np.fromiter((bool(r) for r in self.by_row), dtype=bool, count=len(self.by_row))


@dataclass
class _Slice:
    """The cells of a slice being validated and what validation needs along the way."""

    table: RawTable
    columns: ColumnMap
    profile: Profile | None
    raw: pd.DataFrame
    reasons: _Reasons
    stats: _Stats

    @property
    def n(self) -> int:
        return len(self.table)

    def column(self, name: str) -> pd.Series | None:
        """The cells feeding field `name`, or the profile's default for every row, or None."""
        index = self.columns.fields.get(name)
        if index is None:
            default = self.profile.defaults.get(name) if self.profile else None
            return pd.Series([default] * self.n, dtype=object) if default is not None else None
        return self.raw[index]


def validate(table: RawTable, columns: ColumnMap, profile: Profile | None = None,
             now: datetime | None = None, stats: _Stats | None = None) -> tuple[pd.DataFrame, list[Rejection]]:
    """The rows that pass every rule (OUTPUT_COLUMNS + "line") and a rejection per failing row.

    Row by row independent, so a file may be validated in slices (see enrich.prepare)."""
    reasons = _Reasons(len(table))
    cells = _Slice(table, columns, profile, _raw_cells(table, reasons), reasons, stats or _Stats())
    out: dict[str, Any] = {}
    _texts(cells, out)
    published_raw = _times(cells, out, now or datetime.now(LOCAL_TZ).replace(tzinfo=None))
    _vocabularies(cells, out)
    _counts(cells, out)
    out["extra"] = _extra_json(cells.raw, columns.extra, cells.n, cells.stats)
    reasons.add(out["extra"].str.len().gt(MAX_EXTRA_CHARS).fillna(False).to_numpy(dtype=bool),
                lambda p: f"其他列（未对应字段的列）合计过长（{len(out['extra'].iat[p]):,} 字，上限 {MAX_EXTRA_CHARS:,} 字）")
    out["id"] = _ids(cells.column("id"), out, profile, reasons, cells.stats)
    # a time that parsed into nothing (out of any calendar) must never reach the NOT NULL column
    unset = out["published_at"].isna().to_numpy() & ~reasons.bad_mask()
    reasons.add(unset, lambda p: f"发布时间「{_show(published_raw.iat[p])}」无法识别（应如 2019/4/25 9:32:09）")
    reasons.only({p: table.faults[line] for p, line in enumerate(table.lines) if line in table.faults}
                 if table.faults else {})
    frame = pd.DataFrame({name: out[name] for name in OUTPUT_COLUMNS})
    frame["line"] = table.lines
    bad_rows = reasons.bad_mask()
    rejections = [Rejection(line=table.lines[p], reason="；".join(reasons.by_row[p]), raw=raw_row(table, p))
                  for p in np.flatnonzero(bad_rows)]
    return frame.loc[~bad_rows].reset_index(drop=True), rejections


def _raw_cells(table: RawTable, reasons: _Reasons) -> pd.DataFrame:
    """The slice's cells by column position; a CSV row with more or fewer cells than the header is refused."""
    n, width = len(table), len(table.headers)
    if table.frame is not None:
        return table.frame.set_axis(range(width), axis=1)
    ragged = np.fromiter((len(r) != width for r in table.rows), dtype=bool, count=n)
    rows = [(r + [None] * (width - len(r)))[:width] for r in table.rows] if ragged.any() else table.rows
    reasons.add(ragged, lambda p: f"本行有 {len(table.rows[p])} 个字段，表头有 {width} 列：可能是分隔符或引号有误")
    return pd.DataFrame(rows, columns=range(width), dtype=object)


def _texts(cells: _Slice, out: dict[str, Any]) -> None:
    """Text fields trimmed, mapped by the profile, within their length; title or content required."""
    profile, reasons = cells.profile, cells.reasons
    for name in contract.TEXT_FIELDS:
        values = cells.column(name)
        out[name] = _clean_text(values, cells.stats) if values is not None else pd.Series([None] * cells.n, dtype=object)
        if profile and name in profile.values and values is not None:
            out[name] = out[name].map(lambda v, m=profile.values[name]: m.get(v, v) if v is not None else None)
        limit = contract.MAX_LENGTH[name]
        too_long = (out[name].str.len() > limit).to_numpy(dtype=bool)
        reasons.add(too_long, lambda p, s=out[name], label=contract.FIELD_LABELS[name], limit=limit:
                    f"{label}过长（{len(s.iat[p])} 字，上限 {limit} 字）")
    reasons.add(out["title"].isna().to_numpy() & out["content"].isna().to_numpy(), "标题和内容都为空")
    out["channel"] = _map_distinct(out["channel"], _fold_channel)


def _times(cells: _Slice, out: dict[str, Any], now: datetime) -> pd.Series:
    """published_at required and plausible; replied_at plausible and not before it. Returns the raw
    publication cells (for the last check of validate)."""
    reasons = cells.reasons
    latest = pd.Timestamp(now) + pd.Timedelta(days=1)
    published_raw = cells.column("published_at")
    if published_raw is None:
        published_raw = pd.Series([None] * cells.n, dtype=object)
    published, bad, missing = parse_times(published_raw)
    reasons.add(missing, "发布时间为空")
    reasons.add(bad, lambda p: f"发布时间「{_show(published_raw.iat[p])}」无法识别（应如 2019/4/25 9:32:09）")
    reasons.add(published.lt(EARLIEST_TIME).to_numpy(),
                lambda p: f"发布时间 {published.iat[p]} 早于 {EARLIEST_TIME.year} 年，不合理")
    reasons.add(published.gt(latest).to_numpy(), lambda p: f"发布时间 {published.iat[p]} 在未来，不合理")
    out["published_at"] = published
    replied_raw = cells.column("replied_at")
    if replied_raw is None:
        out["replied_at"] = pd.Series(pd.NaT, index=range(cells.n), dtype="datetime64[us]")
        return published_raw
    replied, bad, _ = parse_times(replied_raw)
    reasons.add(bad, lambda p: f"答复时间「{_show(replied_raw.iat[p])}」无法识别")
    reasons.add(replied.gt(latest).to_numpy(), lambda p: f"答复时间 {replied.iat[p]} 在未来，不合理")
    reasons.add((replied < published).to_numpy(dtype=bool),
                lambda p: f"答复时间 {replied.iat[p]} 早于发布时间 {published.iat[p]}")
    out["replied_at"] = replied
    return published_raw


_VOCABULARIES = (
    ("satisfaction", contract.SATISFACTION_ALIASES, contract.SATISFACTION, contract.SATISFACTION_EMPTY),
    ("sentiment", contract.SENTIMENT_ALIASES, contract.SENTIMENTS, set()),
    ("department_level", contract.DEPARTMENT_LEVEL_ALIASES, contract.DEPARTMENT_LEVELS, set()),
    ("is_valid", contract.VALID_ALIASES, ("是", "否"), set()),
    ("kind", contract.KIND_ALIASES, contract.KINDS, set()),
)


def _vocabularies(cells: _Slice, out: dict[str, Any]) -> None:
    """Closed vocabularies folded (the profile's [values] first, then the built-in aliases); a value
    nobody knows is refused. Then the derived department level and the profile's channel kinds."""
    profile = cells.profile
    for name, aliases, allowed, empty_values in _VOCABULARIES:
        values = cells.column(name)
        if values is None:
            out[name] = pd.Series([None] * cells.n, dtype=object)
            continue
        cleaned = _clean_text(values, cells.stats)
        folded, unknown = _fold_enum(cleaned, profile.values.get(name, {}) if profile else {}, aliases,
                                     empty_values)
        cells.reasons.add(unknown, lambda p, c=cleaned, label=contract.FIELD_LABELS[name], hint="、".join(allowed):
                          f"{label}「{c.iat[p]}」无法识别（可用：{hint}；或在映射文件的 [values] 中说明）")
        out[name] = folded
    out["department_level"] = _derive_department_level(out["department"], out["department_level"], profile)
    if profile and profile.kinds:
        # the profile's channel table; the built-in one applies later, when the row is written (item_kind)
        by_channel = _map_distinct(out["channel"], lambda ch: profile.kinds.get(ch))
        out["kind"] = out["kind"].where(out["kind"].notna(), by_channel)


def _counts(cells: _Slice, out: dict[str, Any]) -> None:
    """likes and dislikes: whole numbers from 0 to MAX_COUNT (what the INTEGER column holds)."""
    for name in ("likes", "dislikes"):
        values = cells.column(name)
        if values is None:
            out[name] = pd.Series([None] * cells.n, dtype="Int64")
            continue
        counts, bad, too_big = _parse_counts(values)
        label = contract.FIELD_LABELS[name]
        cells.reasons.add(bad, lambda p, v=values, label=label: f"{label}「{_show(v.iat[p])}」不是非负整数")
        cells.reasons.add(too_big, lambda p, v=values, label=label:
                          f"{label}「{_show(v.iat[p])}」超出范围（最大 {MAX_COUNT:,}）：请核对该数字")
        out[name] = counts


# --- helpers -----------------------------------------------------------------

def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)                    # an Excel number cell: 3000000000, not 3000000000.0
    text = "" if value is None else strip_controls(str(value))
    return text if len(text) <= 40 else text[:40] + "…"


def raw_row(table: RawTable, position: int) -> dict[str, Any]:
    """The row's cells by header, for the rejected-rows report: control characters removed and long
    cells shortened (the archived file keeps everything)."""
    row = table.row(position)
    if table.lines[position] in table.faults:
        return {"原始行（节选）": strip_controls(str(row[0])) if row else ""}
    shown = {}
    for i, cell in enumerate(row):
        header = table.headers[i] if i < len(table.headers) and table.headers[i] else f"第{i + 1}列"
        if cell is None or isinstance(cell, (int, float, bool)):
            shown[header] = cell
            continue
        text = strip_controls(str(cell))
        shown[header] = text if len(text) <= MAX_RAW_CELL_CHARS else \
            f"{text[:MAX_RAW_CELL_CHARS]}…（共 {len(text):,} 字，其余见归档的原文件）"
    return shown


def _clean_text(values: pd.Series, stats: _Stats | None = None) -> pd.Series:
    """Trim padding and remove control characters; non-text cells (numbers from Excel) become their
    plain text; empty -> None."""
    values = pd.Series(values, dtype=object).reset_index(drop=True)
    result = np.full(len(values), None, dtype=object)
    is_str = _string_mask(values)
    if is_str.any():
        texts = _without_controls(values[is_str], stats)
        stripped = texts.str.strip(PADDING).to_numpy(dtype=object, copy=True)
        stripped[stripped == ""] = None
        result[is_str] = stripped
    others = ~is_str & values.notna().to_numpy()
    if others.any():
        result[others] = [_plain(v) for v in values[others]]
    return pd.Series(result, dtype=object)


def _without_controls(texts: pd.Series, stats: _Stats | None) -> pd.Series:
    """One search over the whole column first: almost always there is nothing to remove."""
    if not CONTROL_CHARS.search("\n".join(texts.tolist())):
        return texts
    hit = texts.str.contains(CONTROL_CHARS, regex=True)
    if stats is not None:
        stats.controls_removed += int(hit.sum())
    return texts.where(~hit, texts[hit].str.replace(CONTROL_CHARS, "", regex=True))


def _string_mask(values: pd.Series) -> np.ndarray:
    # infer_dtype runs in C; the per-cell type check is only needed for mixed columns (Excel)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return values.notna().to_numpy()
    return values.map(type).eq(str).to_numpy()


def _map_distinct(values: pd.Series, func) -> pd.Series:
    """Apply `func` once per distinct non-null value (vocabularies repeat a lot)."""
    distinct = {v: func(v) for v in pd.unique(values.dropna())}
    return pd.Series([None if v is None else distinct[v] for v in values], dtype=object)


def _plain(value: Any) -> str | None:
    if isinstance(value, float):
        if np.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", errors="replace")
    elif isinstance(value, (list, tuple, dict)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = strip_controls(str(value)).strip(PADDING)
    return text or None


def _fold_channel(value: str | None) -> str | None:
    if value is None:
        return None
    return contract.CHANNEL_ALIASES.get(value.lower(), contract.CHANNEL_ALIASES.get(value, value))


def _fold_enum(cleaned: pd.Series, profile_map: dict[str, Any], aliases: dict[str, Any],
               empty_values: set[str]) -> tuple[pd.Series, np.ndarray]:
    """Fold each value to our vocabulary: profile [values] first, then built-in aliases.
    Returns the folded values and a mask of values nobody knows (to be rejected)."""
    _UNKNOWN = object()

    def fold(value: str) -> Any:
        if value in profile_map:
            mapped = profile_map[value]
            if mapped in ("", None):
                return None
            return mapped if isinstance(mapped, bool) else aliases.get(str(mapped).lower(), mapped)
        key = value.lower()
        if key in aliases:
            return aliases[key]
        return None if key in empty_values else _UNKNOWN

    folded = _map_distinct(cleaned, fold)
    unknown = folded.map(lambda v: v is _UNKNOWN).to_numpy(dtype=bool)
    folded[unknown] = None
    return folded, unknown


_COUNTY_DEPARTMENT = re.compile(r"^[^市]{0,8}?[区县旗]|^.{1,8}?市.{1,6}?[区县旗]")


def _derive_department_level(department: pd.Series, level: pd.Series, profile: Profile | None) -> pd.Series:
    """Given level wins; else the profile's table; else county/district names -> 县市区, other -> 市直."""
    table = profile.department_levels if profile else {}

    def derived(dept: str) -> str:
        if dept in table:
            return contract.DEPARTMENT_LEVEL_ALIASES.get(table[dept], table[dept])
        return "县市区" if _COUNTY_DEPARTMENT.match(dept) else "市直"

    derived_levels = _map_distinct(department, derived)
    return pd.Series(np.where(level.isna().to_numpy(), derived_levels.to_numpy(dtype=object),
                              level.to_numpy(dtype=object)), dtype=object)


def parse_times(values: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse mixed time cells (strings of many shapes, Excel/Parquet datetimes).

    Returns (naive Asia/Shanghai timestamps, unparseable mask, missing mask).
    Aware values are converted to Asia/Shanghai; naive ones are taken as local.
    """
    values = pd.Series(values, dtype=object).reset_index(drop=True)
    n = len(values)
    result = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
    is_str = _string_mask(values)
    texts = values[is_str].str.strip(PADDING) if is_str.any() else pd.Series([], dtype=object)
    missing = values.isna().to_numpy().copy()
    if is_str.any():
        blank = (texts.str.len() == 0).to_numpy()
        missing[np.flatnonzero(is_str)[blank]] = True
    bad = np.zeros(n, dtype=bool)

    if is_str.any():
        parsed = _parse_time_strings(texts)
        idx = np.flatnonzero(is_str)
        result.iloc[idx] = parsed.to_numpy()
        bad[idx] = parsed.isna().to_numpy() & ~missing[idx]

    others = np.flatnonzero(~is_str & ~missing)
    if len(others):
        stamps = [_native_time(v) for v in values.iloc[others]]
        bad[others] = [s is None for s in stamps]
        result.iloc[others] = pd.to_datetime(pd.Series(stamps, dtype=object), errors="coerce").to_numpy(
            dtype="datetime64[us]")
    return result, bad, missing


def _parse_time_strings(texts: pd.Series) -> pd.Series:
    texts = texts.reset_index(drop=True)
    # Most exports write one shape, "2019-04-25 09:32:09": parse it in C; only the rest go through
    # the general pattern below (which reads that shape the same way, just slower).
    common = pd.to_datetime(texts, format="%Y-%m-%d %H:%M:%S", errors="coerce").astype("datetime64[us]")
    rest = common.isna().to_numpy()
    if rest.any():
        common[rest] = _parse_general_time_strings(texts[rest]).to_numpy()
    return common


def _parse_general_time_strings(texts: pd.Series) -> pd.Series:
    texts = texts.reset_index(drop=True)
    parts = texts.str.extract(_TIME_RE)
    compact = parts["year"].isna()
    if compact.any():
        alt = texts[compact].str.extract(_COMPACT_TIME_RE)
        for col in alt.columns:
            parts.loc[compact, col] = alt[col]
    numbers = pd.DataFrame({
        unit: pd.to_numeric(parts[unit], errors="coerce") for unit in ("year", "month", "day", "hour", "minute", "second")
    })
    has_date = numbers["year"].notna()
    numbers[["hour", "minute", "second"]] = numbers[["hour", "minute", "second"]].where(
        numbers[["hour", "minute", "second"]].notna() | ~has_date.to_numpy()[:, None], 0)
    frac = parts.get("frac")
    micro = pd.to_numeric(frac.str.ljust(6, "0"), errors="coerce").fillna(0) if frac is not None else 0
    numbers["microsecond"] = micro
    stamps = pd.to_datetime(numbers, errors="coerce").astype("datetime64[us]")
    tz = parts.get("tz")
    if tz is not None and tz.notna().any():
        offsets = tz.map(_offset_minutes)
        shift = pd.to_timedelta(8 * 60 - offsets.fillna(8 * 60), unit="m")
        stamps = stamps + shift
    return stamps


def _offset_minutes(tz: Any) -> float:
    if not isinstance(tz, str):
        return np.nan
    if tz == "Z":
        return 0.0
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return sign * (int(digits[:2]) * 60 + int(digits[2:4]))


def _native_time(value: Any) -> pd.Timestamp | None:
    if isinstance(value, (pd.Timestamp, datetime)):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert(LOCAL_TZ).tz_localize(None)
        return stamp
    if isinstance(value, date):
        return pd.Timestamp(value)
    return None


def _parse_counts(values: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Whole numbers >= 0 (Int64), a mask of values that are not, and a mask of numbers too big for
    the INTEGER column."""
    result: list[int | None] = []
    bad = np.zeros(len(values), dtype=bool)
    too_big = np.zeros(len(values), dtype=bool)
    for i, value in enumerate(values):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            result.append(None)
            continue
        if isinstance(value, bool):
            bad[i] = True
            result.append(None)
            continue
        if isinstance(value, (int, np.integer)):
            number = int(value)
        elif isinstance(value, float):
            number = int(value) if value.is_integer() else -1
        else:
            text = str(value).strip(PADDING).replace(",", "")
            if not text:
                result.append(None)
                continue
            number = _whole_number(text)
        if number < 0:
            bad[i] = True
            result.append(None)
        elif number > MAX_COUNT:
            too_big[i] = True
            result.append(None)
        else:
            result.append(number)
    return pd.Series(result, dtype="Int64"), bad, too_big


def _whole_number(text: str) -> int:
    """The number written in `text` when it is whole (12, 12.0, 1e3, 3000000000), else -1. Digits only
    are read exactly (however many: the range check follows); other forms through float."""
    if text.isdigit() and text.isascii():
        return int(text) if len(text) <= 30 else MAX_COUNT + 1
    try:
        as_float = float(text)
    except ValueError:
        return -1
    if not as_float.is_integer():        # also inf and nan
        return -1
    return int(as_float) if abs(as_float) < 1e30 else MAX_COUNT + 1


def _extra_json(raw: pd.DataFrame, extra: dict[str, int], n: int, stats: _Stats | None = None) -> pd.Series:
    if not extra:
        return pd.Series([None] * n, dtype=object)
    cleaned = {strip_controls(header): _clean_text(raw[index], stats) for header, index in extra.items()}
    rows = []
    for i in range(n):
        kept = {header: values.iat[i] for header, values in cleaned.items() if values.iat[i] is not None}
        rows.append(json.dumps(kept, ensure_ascii=False) if kept else None)
    return pd.Series(rows, dtype=object)


def stable_id(channel: str | None, title: str | None, content: str | None, published_at: Any) -> str:
    """The id of an item whose file has none: same item, same id, in any drop."""
    stamp = "" if published_at is None or pd.isna(published_at) else pd.Timestamp(published_at).isoformat()
    key = "\x1f".join((channel or "", title or "", content or "", stamp))
    return "H" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def _ids(source_ids: pd.Series | None, out: dict[str, Any], profile: Profile | None, reasons: _Reasons,
         stats: _Stats | None = None) -> pd.Series:
    n = len(out["title"])
    prefix = profile.id_prefix if profile else ""
    given = _clean_text(source_ids, stats) if source_ids is not None else pd.Series([None] * n, dtype=object)
    too_long = given.map(lambda v: v is not None and len(prefix) + len(v) > contract.MAX_LENGTH["id"]).to_numpy(bool)
    reasons.add(too_long, "编号过长")
    ids = []
    for i, value in enumerate(given):
        if value is not None:
            ids.append(prefix + value)
        else:
            ids.append(stable_id(out["channel"].iat[i], out["title"].iat[i], out["content"].iat[i],
                                 out["published_at"].iat[i]))
    return pd.Series(ids, dtype=object)
