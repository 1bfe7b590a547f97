"""Checks made before a reader allocates anything: is the file what its name says, and does it fit
the limits (config.Limits)?

A spreadsheet library lays a worksheet out as a dense grid from its first to its farthest cell, so one
cell at XFD1048576 asks for 17 billion cells (550 GB); and it reads every shared string in full, so a
200 KB file can unpack into a 200 MB string. `check_xlsx` therefore inflates the parts the reader will
parse (the chosen worksheet and the shared strings) in bounded chunks, finds the farthest row and column
and the longest cell from the markup itself, and refuses the file before the reader sees it.
Every refusal is a ReadError with a Chinese reason: the file is quarantined, never the process.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import numpy as np

from dashboard.core.config import Limits

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PARQUET = b"PAR1"
_CHUNK = 8 << 20
_TAIL = 32                      # bytes kept between chunks: longer than any pattern and a cell reference
_MAX_ENTRIES = 10_000           # parts in one workbook
_SMALL_PART = 16 << 20          # workbook.xml and its relations are read whole, so they must be small
_CELL_BYTES_PER_CHAR = 10       # the most markup one character can take (&#1114111;)


def megabytes(value_mb: float) -> str:
    """"2,048 MB", "3.5 MB", "0.5 MB": whole numbers when large, one decimal when small."""
    return f"{value_mb:,.0f} MB" if value_mb >= 10 else f"{value_mb:.1f} MB".replace(".0 MB", " MB")


class ReadError(Exception):
    """The file cannot or must not be read at all (not a row-level problem): it is quarantined."""


# --------------------------------------------------------------------------- what is this file?

def sniff(path: Path) -> str:
    """zip | ole2 | parquet | html | xml | text | binary | empty, from the first bytes."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head:
        return "empty"
    if head.startswith(_ZIP):
        return "zip"
    if head.startswith(_OLE2):
        return "ole2"
    if head.startswith(_PARQUET):
        return "parquet"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(b"<") and (b"<html" in stripped[:1024] or b"<table" in stripped[:1024]):
        return "html"
    if stripped.startswith(b"<?xml"):
        return "xml"
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or _looks_wide_text(head):
        return "text"
    controls = sum(head.count(bytes([b])) for b in range(32) if b not in (9, 10, 13)) + head.count(b"\x7f")
    if controls > len(head) // 20:
        return "binary"
    return "text"


def _looks_wide_text(head: bytes) -> bool:
    """UTF-16/UTF-32 without a BOM: ASCII characters padded with NUL bytes in a fixed pattern."""
    return wide_encoding(head) is not None


def wide_encoding(head: bytes) -> str | None:
    """utf-16-le/-be or utf-32-le/-be when `head` (no BOM) is ASCII-range text in that encoding."""
    if len(head) < 8:
        return None
    data = np.frombuffer(head[: len(head) // 4 * 4], dtype=np.uint8)
    zero = data == 0
    for name, width, pattern in (("utf-32-le", 4, (False, True, True, True)),
                                 ("utf-32-be", 4, (True, True, True, False)),
                                 ("utf-16-le", 2, (False, True)), ("utf-16-be", 2, (True, False))):
        lanes = zero.reshape(-1, width)
        expected = np.array(pattern)
        if (lanes == expected).all(axis=1).mean() > 0.6:
            return name
    return None


_KIND_OF_SUFFIX = {".csv": "text", ".tsv": "text", ".txt": "text", ".xlsx": "zip", ".xlsm": "zip",
                   ".xls": "ole2", ".parquet": "parquet", ".pq": "parquet"}
_WHAT_IT_IS = {
    "zip": ("Excel 工作簿（.xlsx）", ".xlsx"), "ole2": ("旧版 Excel 工作簿（.xls）或设置了打开密码的工作簿", ".xls"),
    "parquet": ("Parquet 数据文件", ".parquet"), "text": ("文本（像是 CSV）", ".csv"),
    "html": ("网页（HTML 表格，常见于“导出为 Excel”的系统）", None), "xml": ("XML 文本", None),
    "binary": ("二进制数据，不是表格", None), "empty": ("空文件（0 字节）", None),
}


def check_kind(path: Path, kind: str) -> None:
    """Refuse a file whose content is not what its extension says, saying what it is and what to do."""
    suffix = path.suffix.lower()
    expected = _KIND_OF_SUFFIX.get(suffix)
    if kind == "empty":
        raise ReadError("文件是空的（0 字节）：请检查导出是否完成后重新放入")
    if expected is None or kind == expected or (suffix == ".xls" and kind == "zip"):
        return
    what, proper = _WHAT_IT_IS[kind]
    if proper:
        todo = f"请把扩展名改为 {proper} 后重新放入"
        if kind == "ole2":
            todo = "请在 Excel 中打开（如有密码先去掉），另存为 .xlsx 后重新放入"
    elif kind in ("html", "xml"):
        todo = "请在 Excel 中打开后另存为 .xlsx（或导出为 CSV）再放入"
    else:
        todo = "请确认放入的是导出的数据表（CSV、XLSX 或 Parquet）"
    raise ReadError(f"文件扩展名是 {suffix}，但内容是{what}，未读取：{todo}")


# --------------------------------------------------------------------------- XLSX

@dataclass
class SheetScan:
    """What the worksheet's markup says about the grid a reader would build."""

    rows: int = 0                  # farthest row (1-based), counting rows without a number
    columns: int = 0               # farthest column (1-based), counting cells without a reference
    longest_cell_bytes: int = 0    # longest cell or shared string, markup included


def check_xlsx(path: Path, sheet: str | int | None, limits: Limits) -> SheetScan:
    """Raise ReadError when the workbook is past a limit; otherwise what was found."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"文件不是有效的 Excel 工作簿（压缩结构损坏：{exc}）：请在 Excel 中打开并另存为 .xlsx 后重新放入") \
            from exc
    with book:
        infos = book.infolist()
        if len(infos) > _MAX_ENTRIES:
            raise ReadError(f"工作簿内含 {len(infos)} 个部件，异常之多，未读取：请在 Excel 中另存为 .xlsx 后重新放入")
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_unzipped_bytes:
            raise ReadError(_unzipped_reason(declared, limits))
        part = _sheet_part(book, sheet)
        budget = _Budget(limits.max_unzipped_bytes)
        scan = _scan_sheet(book, part, budget)
        strings = next((n for n in book.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
        if strings:
            scan.longest_cell_bytes = max(scan.longest_cell_bytes, _scan_shared_strings(book, strings, budget))
    _check_grid(scan, limits)
    return scan


def _unzipped_reason(size: int, limits: Limits) -> str:
    return (f"工作簿解压后约 {megabytes(size / 2**20)}，超过上限 {megabytes(limits.max_unzipped_mb)}"
            f"（YUQING_MAX_UNZIPPED_MB），未读取：请拆分为几个较小的文件，或另存为 CSV 后重新放入")


def _check_grid(scan: SheetScan, limits: Limits) -> None:
    shape = f"{scan.rows:,} 行 × {scan.columns:,} 列"
    fix = "通常是表格远处有一个误填或设了格式的单元格：请删除多余的行和列后另存，重新放入"
    if scan.rows - 1 > limits.max_rows:
        raise ReadError(f"工作表的使用范围有 {shape}，超过行数上限 {limits.max_rows:,} 行（YUQING_MAX_ROWS），"
                         f"未读取：{fix}；数据确实这么多时，请拆分为几个文件")
    if scan.columns > limits.max_columns:
        raise ReadError(f"工作表的使用范围有 {shape}，超过列数上限 {limits.max_columns:,} 列"
                         f"（YUQING_MAX_COLUMNS），未读取：{fix}")
    if scan.rows * scan.columns > limits.max_sheet_cells:
        raise ReadError(f"工作表的使用范围有 {shape}（{scan.rows * scan.columns:,} 个单元格），超过上限 "
                         f"{limits.max_sheet_cells:,} 个（YUQING_MAX_SHEET_CELLS），未读取：{fix}")
    if scan.longest_cell_bytes > _CELL_BYTES_PER_CHAR * limits.max_cell_chars:
        raise ReadError(f"工作簿中有一个单元格的内容约 {scan.longest_cell_bytes:,} 字节，远超单元格上限 "
                         f"{limits.max_cell_chars:,} 字（YUQING_MAX_CELL_CHARS），未读取：请删去或拆分这段内容后重新放入")


def _sheet_part(book: zipfile.ZipFile, sheet: str | int | None) -> str:
    """The zip part of the worksheet the reader will open (by position or name, as calamine counts)."""
    names = {n.lower(): n for n in book.namelist()}
    try:
        workbook = ElementTree.fromstring(_read_small(book, names.get("xl/workbook.xml")))
        rels = ElementTree.fromstring(_read_small(book, names.get("xl/_rels/workbook.xml.rels")))
    except (ElementTree.ParseError, KeyError, TypeError) as exc:
        raise ReadError(f"工作簿结构损坏（找不到或无法解析工作表目录：{exc}）：请在 Excel 中打开并另存为 .xlsx 后重新放入") \
            from exc
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    sheets = [(el.get("name"), el.get(_REL_ID) or el.get("id")) for el in workbook.iter() if _local(el.tag) == "sheet"]
    if not sheets:
        raise ReadError("工作簿中没有工作表：请检查文件后重新放入")
    if sheet is None:
        chosen = sheets[0]
    elif isinstance(sheet, int) or str(sheet).isdigit():
        index = int(sheet)
        if index >= len(sheets):
            raise ReadError(f"工作簿只有 {len(sheets)} 个工作表，没有第 {index} 个（从 0 数起）：请检查 --sheet")
        chosen = sheets[index]
    else:
        chosen = next((s for s in sheets if s[0] == str(sheet)), None)
        if chosen is None:
            shown = "、".join(str(s[0]) for s in sheets[:20])
            raise ReadError(f"工作簿中没有名为「{sheet}」的工作表（现有：{shown}）：请检查 --sheet 或映射文件的 sheet")
    target = targets.get(chosen[1], "")
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    if path.lower() not in names:
        raise ReadError(f"工作簿结构损坏（工作表「{chosen[0]}」的数据部件 {path} 不存在）：请在 Excel 中另存为 .xlsx 后重新放入")
    return names[path.lower()]


_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_small(book: zipfile.ZipFile, name: str | None) -> bytes:
    if name is None:
        raise KeyError("xl/workbook.xml")
    if book.getinfo(name).file_size > _SMALL_PART:
        raise ReadError(f"工作簿的目录部件 {name} 异常之大，未读取：请在 Excel 中另存为 .xlsx 后重新放入")
    with book.open(name) as fh:
        return fh.read(_SMALL_PART + 1)[:_SMALL_PART]


class _Budget:
    """Counts the bytes really inflated (a part's declared size may lie)."""

    def __init__(self, limit: int):
        self.limit, self.used = limit, 0

    def take(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise ReadError(_unzipped_reason(self.used, Limits(max_unzipped_mb=self.limit / 2**20)))


def _chunks(book: zipfile.ZipFile, name: str, budget: _Budget):
    """(buffer, offset of buffer, final) with _TAIL bytes repeated from one buffer to the next; a match is
    handled in the buffer where it starts before the last _TAIL bytes (or anywhere in the final one)."""
    carry, offset = b"", 0
    try:
        with book.open(name) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                budget.take(len(chunk))
                buffer = carry + chunk
                if not chunk:
                    yield np.frombuffer(buffer, dtype=np.uint8), offset, True
                    return
                yield np.frombuffer(buffer, dtype=np.uint8), offset, False
                keep = min(_TAIL, len(buffer))
                offset += len(buffer) - keep
                carry = buffer[len(buffer) - keep:]
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise ReadError(f"工作簿已损坏（解压 {name} 时出错：{exc}）：请在 Excel 中打开并另存为 .xlsx 后重新放入") from exc


def _find(data: np.ndarray, pattern: bytes, final: bool, follow: bytes | None = None,
          anchors: np.ndarray | None = None) -> np.ndarray:
    """Start positions of `pattern` (optionally followed by one of the bytes in `follow`), narrowed down
    from the positions of its first byte (`anchors`, when already known)."""
    found = np.flatnonzero(data == pattern[0]) if anchors is None else anchors
    found = found[found + len(pattern) + (1 if follow else 0) <= len(data)]
    for i, byte in enumerate(pattern[1:], start=1):
        found = found[data[found + i] == byte]
    if follow:
        found = found[np.isin(data[found + len(pattern)], np.frombuffer(follow, dtype=np.uint8))]
    return found if final else found[found < len(data) - _TAIL]


def _find_refs(data: np.ndarray, final: bool) -> np.ndarray:
    """Positions of ' r="' (a row's or a cell's reference), found from the '=' signs."""
    equals = np.flatnonzero(data == 61)
    equals = equals[(equals >= 2) & (equals + 1 < len(data))]
    equals = equals[data[equals - 1] == 114]
    equals = equals[(data[equals - 2] == 32) & (data[equals + 1] == 34)]
    starts = equals - 2
    return starts if final else starts[starts < len(data) - _TAIL]


_ELEMENT_END = b" >/\t\r\n"


class _GridTracker:
    """Farthest row and column, counting cells and rows that carry no reference (laid out one after
    the other, as readers do), and the longest distance between two cell starts."""

    def __init__(self):
        self.max_row = self.max_col = 0
        self.rows = self.row_refs = self.cells = self.cell_refs = 0
        self.open_row_cells = self.widest_row = 0
        self.last_cell = None
        self.longest = 0

    def feed(self, data: np.ndarray, offset: int, final: bool) -> None:
        self._refs(data, _find_refs(data, final))
        tags = np.flatnonzero(data == 60)
        row_starts = _find(data, b"<row", final, _ELEMENT_END, tags)
        cell_starts = _find(data, b"<c", final, _ELEMENT_END, tags)
        self.rows += len(row_starts)
        self.cells += len(cell_starts)
        self._row_widths(row_starts, cell_starts)
        if len(cell_starts):
            starts = cell_starts + offset
            previous = starts[0] if self.last_cell is None else self.last_cell
            gaps = np.diff(np.concatenate([[previous], starts]))
            self.longest = max(self.longest, int(gaps.max()))
            self.last_cell = int(starts[-1])
        ends = _find(data, b"</sheetData>", final, anchors=tags)
        if len(ends) and self.last_cell is not None:
            self.longest = max(self.longest, int(ends[0]) + offset - self.last_cell)
            self.last_cell = None

    def _row_widths(self, row_starts: np.ndarray, cell_starts: np.ndarray) -> None:
        if not len(row_starts):
            self.open_row_cells += len(cell_starts)
            return
        split = np.searchsorted(cell_starts, row_starts)
        counts = np.diff(np.append(split, len(cell_starts)))
        self.widest_row = max(self.widest_row, self.open_row_cells + int(split[0]))
        if len(counts) > 1:
            self.widest_row = max(self.widest_row, int(counts[:-1].max()))
        self.open_row_cells = int(counts[-1])

    def _refs(self, data: np.ndarray, starts: np.ndarray) -> None:
        if not len(starts):
            return
        window = np.zeros((len(starts), 12), dtype=np.uint8)
        index = starts[:, None] + 4 + np.arange(12)[None, :]
        inside = index < len(data)
        window[inside] = data[index[inside]]
        letter = (window >= 65) & (window <= 90)
        letters = np.argmin(letter, axis=1)          # leading capital letters (a reference's column)
        letters[letter.all(axis=1)] = 12
        col = np.zeros(len(starts), dtype=np.int64)
        for k in range(4):                            # four letters or more is beyond any sheet
            col = np.where(letters > k, col * 26 + window[:, k].astype(np.int64) - 64, col)
        col = np.where(letters > 3, 10**9, col)
        row = np.zeros(len(starts), dtype=np.int64)
        going = np.ones(len(starts), dtype=bool)
        rows = np.arange(len(starts))
        for k in range(11):
            digit = window[rows, np.minimum(letters + k, 11)].astype(np.int64) - 48
            going &= (digit >= 0) & (digit <= 9) & (letters + k < 12)
            row = np.where(going, np.minimum(row * 10 + digit, 10**12), row)
        is_cell = letters > 0
        self.cell_refs += int(is_cell.sum())
        self.row_refs += int((~is_cell & (row > 0)).sum())
        self.max_row = max(self.max_row, int(row.max()))
        if is_cell.any():
            self.max_col = max(self.max_col, int(col[is_cell].max()))

    def result(self) -> SheetScan:
        self.widest_row = max(self.widest_row, self.open_row_cells)
        rows = self.max_row + max(self.rows - self.row_refs, 0)
        columns = self.max_col + (self.widest_row if self.cells > self.cell_refs else 0)
        return SheetScan(rows=rows, columns=columns, longest_cell_bytes=self.longest)


def _scan_sheet(book: zipfile.ZipFile, name: str, budget: _Budget) -> SheetScan:
    tracker = _GridTracker()
    for data, offset, final in _chunks(book, name, budget):
        tracker.feed(data, offset, final)
    return tracker.result()


def _scan_shared_strings(book: zipfile.ZipFile, name: str, budget: _Budget) -> int:
    """The longest shared string, in bytes of markup (from one <si> to the next)."""
    longest, last = 0, None
    for data, offset, final in _chunks(book, name, budget):
        tags = np.flatnonzero(data == 60)
        starts = _find(data, b"<si", final, b" >", tags) + offset
        ends = _find(data, b"</sst>", final, anchors=tags) + offset
        marks = np.sort(np.concatenate([starts, ends]))
        if len(marks):
            previous = marks[0] if last is None else last
            longest = max(longest, int(np.diff(np.concatenate([[previous], marks])).max()))
            last = int(marks[-1])
    return longest


# --------------------------------------------------------------------------- Parquet

def check_parquet(path: Path, limits: Limits):
    """The opened ParquetFile when its metadata is within the limits."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several error types for a damaged footer
        raise ReadError(f"无法读取 Parquet 文件（文件损坏或不完整：{first_line(exc)}）：请重新导出后放入") from exc
    meta = parquet.metadata
    if meta.num_rows > limits.max_rows:
        raise ReadError(f"Parquet 文件有 {meta.num_rows:,} 行，超过行数上限 {limits.max_rows:,} 行（YUQING_MAX_ROWS），"
                         "未读取：请拆分为几个文件后重新放入")
    if meta.num_columns > limits.max_columns:
        raise ReadError(f"Parquet 文件有 {meta.num_columns:,} 列，超过列数上限 {limits.max_columns:,} 列"
                         "（YUQING_MAX_COLUMNS），未读取：请只导出需要的列")
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > limits.max_unzipped_bytes:
        raise ReadError(f"Parquet 文件解压后约 {megabytes(unpacked / 2**20)}，超过上限 {megabytes(limits.max_unzipped_mb)}"
                         "（YUQING_MAX_UNZIPPED_MB），未读取：请拆分为几个文件后重新放入")
    return parquet


def first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return re.sub(r"\s+", " ", text[0])[:200] if text else type(exc).__name__
