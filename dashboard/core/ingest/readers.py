"""Read a drop file into a table of raw cells, remembering where each row came from.

Every reader returns a `RawTable`: the header names as written in the file, the
rows as lists of cells (str, or date/number cells from Excel and Parquet), and
for each row the line (CSV: the physical line where the record starts) or sheet
row (XLSX: as Excel numbers it) so that every rejection can point at it.
"""
from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

SUPPORTED_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq"}

# Tried in order; GB18030 is a superset of GBK, so it decodes both.
_DETECT_ORDER = ("utf-8", "gb18030")
_ENCODING_ALIASES = {"utf8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030"}


class ReadError(Exception):
    """The file cannot be read at all (not a row-level problem)."""


@dataclass
class RawTable:
    headers: list[str]
    rows: list[list[Any]]
    lines: list[int]
    encoding: str | None = None
    # Rows already in columns (in-memory batches): used instead of `rows`, never ragged.
    frame: Any = None
    # A CSV read lazily: yields the number of rows read so far while it fills `rows` (see stream()).
    filler: Iterator[int] | None = None
    read_fraction: float = 1.0            # share of the file's bytes read so far

    def __len__(self) -> int:
        self.load_all()
        return len(self.frame) if self.frame is not None else len(self.rows)

    def row(self, position: int) -> list[Any]:
        if self.frame is not None:
            return self.frame.iloc[position].tolist()
        return self.rows[position]

    def stream(self, size: int) -> Iterator[tuple[int, int]]:
        """Row ranges [start, stop) of `size` rows (the last may be shorter), each as soon as it has
        been read: a large CSV is handed on in slices while the rest of it is still being read."""
        done = 0
        while self.filler is not None:
            try:
                available = next(self.filler)
            except StopIteration:
                self.filler = None
                break
            while available - done >= size:
                yield done, done + size
                done += size
        total = len(self.frame) if self.frame is not None else len(self.rows)
        while done < total:
            yield done, min(done + size, total)
            done = min(done + size, total)

    def slice(self, start: int, stop: int) -> "RawTable":
        return RawTable(headers=self.headers, rows=self.rows[start:stop] if self.frame is None else [],
                        lines=self.lines[start:stop], encoding=self.encoding,
                        frame=None if self.frame is None else self.frame.iloc[start:stop].reset_index(drop=True))

    def load_all(self) -> None:
        """Finish reading a lazily read file (raises ReadError when the rest is unreadable)."""
        while self.filler is not None:
            try:
                next(self.filler)
            except StopIteration:
                self.filler = None


def read_table(path: Path, encoding: str | None = None, sheet: str | int | None = None,
               lazy: bool = False) -> RawTable:
    """The file as a RawTable. lazy: a CSV/TSV is read while its rows are used (RawTable.stream);
    an unreadable part then raises ReadError from there."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return read_delimited(path, encoding=encoding, lazy=lazy)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return read_excel(path, sheet=sheet)
    if suffix in (".parquet", ".pq"):
        return read_parquet(path)
    raise ReadError(f"不支持的文件类型 {suffix or '(无扩展名)'}：请提供 CSV、TSV、XLSX 或 Parquet 文件")


# --- CSV / TSV -----------------------------------------------------------------

def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GB18030.

    Checked incrementally over the whole file so a GBK byte deep in the file is
    not missed; a cut multi-byte character at a chunk edge is handled by the
    incremental decoder.
    """
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        for codec in _DETECT_ORDER:
            fh.seek(0)
            if _decodes_fully(fh, codec, sample_bytes):
                return codec
    raise ReadError(
        "无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030）：请另存为 UTF-8 后重试，或用 --encoding 指定编码")


def _decodes_fully(fh, codec: str, chunk_bytes: int) -> bool:
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        while chunk := fh.read(chunk_bytes):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False


def normalise_encoding_name(encoding: str) -> str:
    name = encoding.strip().lower()
    return _ENCODING_ALIASES.get(name, name)


def read_delimited(path: Path, encoding: str | None = None, lazy: bool = False) -> RawTable:
    if encoding:
        enc = normalise_encoding_name(encoding)
        if enc == "utf-8":
            enc = "utf-8-sig"  # tolerate a BOM even when the user says utf-8
        try:
            codecs.lookup(enc)
        except LookupError as exc:
            raise ReadError(f"未知编码 {encoding}") from exc
    else:
        enc = detect_encoding(path)
    table = RawTable(headers=[], rows=[], lines=[], encoding="utf-8" if enc == "utf-8-sig" else enc)
    records = _read_records(path, enc, table)
    headers = next(records)  # the header row (ReadError when there is none)
    if headers and headers[0].startswith("\ufeff"):
        headers[0] = headers[0][1:]
    table.headers = [h.strip() for h in headers]
    table.filler = records
    if not lazy:
        table.load_all()
    return table


_YIELD_EVERY = 5_000


def _read_records(path: Path, enc: str, table: RawTable) -> Iterator[Any]:
    """Yields the header row, then the number of rows appended to `table` so far, every few thousand
    rows and at the end. Blank lines are skipped; each row remembers its first physical line."""
    size = max(path.stat().st_size, 1)
    shown = table.encoding  # "utf-8" for utf-8-sig
    with path.open("r", encoding=enc, errors="strict", newline="") as fh:
        try:
            sample = fh.read(64 * 1024)
        except UnicodeDecodeError as exc:
            raise ReadError(f"文件不是 {shown} 编码（第 {exc.start} 字节附近无法解码）：请检查 --encoding") from exc
        delimiter = _sniff_delimiter(sample, path.suffix.lower())
        fh.seek(0)
        reader = csv.reader(fh, delimiter=delimiter)
        rows, lines = table.rows, table.lines
        has_headers = False
        prev_end = 0
        try:
            for record in reader:
                start = prev_end + 1
                prev_end = reader.line_num
                if not any(cell.strip() for cell in record):
                    continue  # blank line
                if not has_headers:
                    has_headers = True
                    yield record
                    continue
                rows.append(record)
                lines.append(start)
                if len(rows) % _YIELD_EVERY == 0:
                    table.read_fraction = min(fh.buffer.tell() / size, 1.0)
                    yield len(rows)
        except UnicodeDecodeError as exc:
            raise ReadError(f"文件第 {prev_end + 1} 行附近不是 {shown} 编码：请检查 --encoding") from exc
        except csv.Error as exc:
            raise ReadError(f"CSV 格式错误（第 {reader.line_num} 行）：{exc}") from exc
    if not has_headers:
        raise ReadError("文件是空的：没有表头行")
    table.read_fraction = 1.0
    yield len(rows)


def _sniff_delimiter(sample: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    first_line = sample.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


# --- Excel ---------------------------------------------------------------------

def read_excel(path: Path, sheet: str | int | None = None) -> RawTable:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        if sheet is None:
            data = workbook.get_sheet_by_index(0)
        elif isinstance(sheet, int) or str(sheet).isdigit():
            data = workbook.get_sheet_by_index(int(sheet))
        else:
            data = workbook.get_sheet_by_name(str(sheet))
        cells = data.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types per format problem
        raise ReadError(f"无法读取 Excel 文件：{exc}") from exc
    headers: list[str] | None = None
    rows: list[list[Any]] = []
    lines: list[int] = []
    for index, record in enumerate(cells):
        sheet_row = index + 1  # Excel's own row number
        if not any(_cell_has_value(c) for c in record):
            continue  # blank (often just formatted) row
        if headers is None:
            headers = ["" if c is None else str(c).strip() for c in record]
            continue
        rows.append(list(record))
        lines.append(sheet_row)
    if headers is None:
        raise ReadError("工作表是空的：没有表头行")
    return RawTable(headers=headers, rows=rows, lines=lines, encoding=None)


def _cell_has_value(cell: Any) -> bool:
    if cell is None:
        return False
    if isinstance(cell, str):
        return bool(cell.strip())
    return True


# --- Parquet -------------------------------------------------------------------

def read_parquet(path: Path) -> RawTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:
        raise ReadError(f"无法读取 Parquet 文件：{exc}") from exc
    headers = [str(name) for name in table.column_names]
    columns = [column.to_pylist() for column in table.columns]
    rows = [list(r) for r in zip(*columns)] if columns else []
    return RawTable(headers=headers, rows=rows, lines=list(range(1, len(rows) + 1)), encoding=None)
