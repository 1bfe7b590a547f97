"""Read a drop file into a table of raw cells, remembering where each row came from.

Every reader returns a `RawTable`: the header names as written in the file, the
rows as lists of cells (str, or date/number cells from Excel and Parquet), and
for each row the line (CSV: the physical line where the record starts) or sheet
row (XLSX: as Excel numbers it) so that every rejection can point at it.

Readers cannot be made to explode: the limits in config.Limits are checked before anything big is
allocated (guard.py for XLSX and Parquet; line by line for CSV). A problem with the whole file raises
ReadError (the file is quarantined with the reason); a problem with one row (an undecodable line, a
cell over the length limit, an unclosed quote) becomes a row fault in `RawTable.faults` (that row is
rejected with its line, the others load).
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from dashboard.core.config import Limits
from dashboard.core.ingest import guard
from dashboard.core.ingest.guard import ReadError

__all__ = ["ReadError", "RawTable", "read_table", "detect_encoding", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq"}

_ENCODING_ALIASES = {"utf8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030"}
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_SHOWN = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "gb18030": "GBK/GB18030", "utf-16": "UTF-16", "utf-32": "UTF-32"}
PREVIEW_CHARS = 200

# The csv module's own limit (131,072 characters) would fail the whole file on one long cell; records
# are bounded before they reach it (Limits.max_record_chars), so it only needs to be out of the way.
csv.field_size_limit(1 << 30)


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
    # Rows the reader could not take apart (line -> reason); their cells are a short preview only.
    faults: dict[int, str] = field(default_factory=dict)
    # sha256 of the bytes the reader parsed (CSV), to prove the file did not change while it was read.
    content_sha256: str | None = None
    # Rows handed on and let go (release()): `rows` and `lines` start at this position of the file.
    dropped: int = 0

    def __len__(self) -> int:
        self.load_all()
        return len(self.frame) if self.frame is not None else self.dropped + len(self.rows)

    def row(self, position: int) -> list[Any]:
        if self.frame is not None:
            return self.frame.iloc[position].tolist()
        return self.rows[position - self.dropped]

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
        total = len(self.frame) if self.frame is not None else self.dropped + len(self.rows)
        while done < total:
            yield done, min(done + size, total)
            done = min(done + size, total)

    def slice(self, start: int, stop: int) -> "RawTable":
        """Rows [start, stop) of the file (positions count released rows too)."""
        if self.frame is not None:
            return RawTable(headers=self.headers, rows=[], lines=self.lines[start:stop], encoding=self.encoding,
                            frame=self.frame.iloc[start:stop].reset_index(drop=True))
        first, last = start - self.dropped, stop - self.dropped
        lines = self.lines[first:last]
        faults = {line: self.faults[line] for line in lines if line in self.faults} if self.faults else {}
        return RawTable(headers=self.headers, rows=self.rows[first:last], lines=lines, encoding=self.encoding,
                        faults=faults)

    def release(self, stop: int) -> None:
        """Let go of the rows before `stop`, handed on already: a file is held a few slices at a time,
        never whole. (An in-memory frame belongs to the caller and stays.)"""
        if self.frame is not None or stop <= self.dropped:
            return
        count = stop - self.dropped
        for line in self.lines[:count] if self.faults else ():
            self.faults.pop(line, None)
        del self.rows[:count], self.lines[:count]
        self.dropped = stop

    def spill_to(self, path: str | Path) -> None:
        """Keep this slice's raw rows in a file (see core/ingest/staging.py)."""
        with open(path, "wb") as fh:
            pickle.dump({"rows": self.rows, "lines": self.lines, "faults": self.faults}, fh,
                        protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_spill(cls, path: str | Path, headers: list[str]) -> "RawTable":
        with open(path, "rb") as fh:
            return cls(headers=headers, **pickle.load(fh))

    def drain(self) -> int:
        """Read the rest of the file only to count its rows (holding none of them); the row count."""
        for start, stop in self.stream(10_000):
            self.release(stop)
        return len(self)

    def load_all(self) -> None:
        """Finish reading a lazily read file (raises ReadError when the rest is unreadable)."""
        while self.filler is not None:
            try:
                next(self.filler)
            except StopIteration:
                self.filler = None


def read_table(path: Path, encoding: str | None = None, sheet: str | int | None = None,
               lazy: bool = False, limits: Limits | None = None) -> RawTable:
    """The file as a RawTable. lazy: a CSV/TSV or Parquet file is read while its rows are used
    (RawTable.stream); an unreadable part then raises ReadError from there."""
    limits = limits or Limits()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(f"不支持的文件类型 {suffix or '(无扩展名)'}：请提供 CSV、TSV、XLSX 或 Parquet 文件")
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise ReadError(f"文件大小 {guard.megabytes(size / 2**20)}，超过上限 {guard.megabytes(limits.max_file_mb)}"
                        "（YUQING_MAX_FILE_MB），"
                        "未读取：请拆分为几个较小的文件后重新放入")
    guard.check_kind(path, guard.sniff(path))
    if suffix in (".csv", ".tsv", ".txt"):
        return read_delimited(path, encoding=encoding, lazy=lazy, limits=limits)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return read_excel(path, sheet=sheet, limits=limits)
    return read_parquet(path, limits=limits, lazy=lazy)


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The start of a long text, saying how long it was (rejected rows never store huge cells)."""
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text):,} 字，其余未保存）"


# --- CSV / TSV: encodings -------------------------------------------------------

def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """UTF-8 (with or without BOM) when the bytes are valid UTF-8; UTF-16/32 by their BOM (or their
    NUL pattern); otherwise UTF-8 when most non-ASCII lines of the first 4 MB are UTF-8 (the others are
    rejected line by line), else GB18030 (a superset of GBK and GB2312)."""
    with path.open("rb") as fh:
        head = fh.read(4096)
        for bom, name in _BOMS:
            if head.startswith(bom):
                return name
        wide = guard.wide_encoding(head)
        if wide:
            return wide
        fh.seek(0)
        if _decodes_fully(fh, "utf-8", sample_bytes):
            return "utf-8"
        fh.seek(0)
        sample = fh.read(4 << 20)
    utf8, other = _count_utf8_lines(sample.split(b"\n"))
    return "utf-8" if utf8 >= other else "gb18030"


def _count_utf8_lines(lines: list[bytes]) -> tuple[int, int]:
    utf8 = other = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            other += 1
    return utf8, other


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


def _forced_encoding(path: Path, encoding: str) -> str:
    """The codec for an --encoding override, refused when reading with it would silently garble a
    file that is plainly in another encoding."""
    enc = normalise_encoding_name(encoding)
    try:
        codec = codecs.lookup(enc).name
    except LookupError as exc:
        raise ReadError(f"未知编码 {encoding}：请使用 utf-8、gbk、gb18030 等，或去掉 --encoding 让系统自动识别") from exc
    if codec == "utf-8":
        return "utf-8"
    with path.open("rb") as fh:
        utf8 = _decodes_fully(fh, "utf-8", 1 << 20)
        fh.seek(0)
        ascii_only = all(chunk.isascii() for chunk in iter(lambda: fh.read(1 << 20), b""))
        fh.seek(0)
        gbk = _single_byte(codec) and not ascii_only and _decodes_fully(fh, "gb18030", 1 << 20)
    if ascii_only:
        return enc
    if utf8 or gbk:
        found = "UTF-8" if utf8 else "GBK/GB18030"
        raise ReadError(f"文件是有效的 {found} 编码（含中文等非英文字符），却指定了 --encoding {encoding}，按它读取会得到乱码，"
                        f"未入库：请去掉 --encoding（自动识别）或改为正确的编码后重试")
    return enc


def _single_byte(codec: str) -> bool:
    return len(b"\xc4\xe3".decode(codec, errors="replace")) == 2


# --- CSV / TSV: physical lines ------------------------------------------------------

@dataclass
class _BadLine:
    reason: str
    preview: str


class _Lines:
    """The file's physical lines as (number, text or _BadLine), each decoded on its own so one bad byte
    spoils one line, none longer than the record limit; lines pushed back come again first."""

    def __init__(self, path: Path, codec: str, detected: bool, limits: Limits, table: RawTable):
        self.codec, self.detected, self.table = codec, detected, table
        self.shown = _SHOWN.get(codec, codec)
        self.size = max(path.stat().st_size, 1)
        self.char_limit = limits.max_record_chars
        self.hasher = hashlib.sha256()
        self.number = 0
        self.pushed: list[tuple[int, Any]] = []
        wide = codec.startswith(("utf-16", "utf-32"))
        self.raw = self._text_lines(path) if wide else self._byte_lines(path, 4 * self.char_limit)

    def next(self) -> tuple[int, Any] | None:
        if self.pushed:
            return self.pushed.pop()
        item = next(self.raw, None)
        if item is None:
            return None
        self.number += 1
        return self.number, item

    def push_back(self, items: list[tuple[int, Any]]) -> None:
        self.pushed.extend(reversed(items))

    def _byte_lines(self, path: Path, limit: int) -> Iterator[Any]:
        with path.open("rb") as fh:
            chunk = fh.read(1 << 20)
            sep = b"\r" if b"\n" not in chunk and b"\r" in chunk else b"\n"
            if chunk.startswith(codecs.BOM_UTF8):
                self.hasher.update(codecs.BOM_UTF8)
                chunk = chunk[len(codecs.BOM_UTF8):]
            carry, skipping = b"", False          # skipping: the rest of an over-long line
            while chunk:
                self.hasher.update(chunk)
                parts = (carry + chunk).split(sep)
                carry = parts.pop()
                for part in parts:
                    if skipping:
                        skipping = False
                        continue
                    yield self._decode(part + sep) if len(part) <= limit else self._too_long(part)
                if len(carry) > limit and not skipping:
                    yield self._too_long(carry)
                    skipping = True
                if skipping:
                    carry = b""
                self.table.read_fraction = min(fh.tell() / self.size, 1.0)
                chunk = fh.read(1 << 20)
            self.table.content_sha256 = self.hasher.hexdigest()
            if carry and not skipping:
                yield self._decode(carry)

    def _text_lines(self, path: Path) -> Iterator[Any]:
        with path.open("r", encoding=self.codec, errors="strict", newline="") as fh:
            while True:
                try:
                    line = fh.readline(self.char_limit + 1)
                except UnicodeDecodeError as exc:
                    raise ReadError(f"文件第 {self.number + 1} 行附近不是有效的 {self.shown} 编码（{exc.reason}）："
                                    "请另存为 UTF-8 后重新放入") from exc
                if not line:
                    return
                if len(line) > self.char_limit and not line.endswith(("\n", "\r")):
                    yield _BadLine(self.long_reason(), preview(line))
                    while (rest := fh.readline(self.char_limit)) and not rest.endswith(("\n", "\r")):
                        pass
                    continue
                yield line

    def _too_long(self, raw: bytes) -> _BadLine:
        return _BadLine(self.long_reason(), preview(raw[: 4 * PREVIEW_CHARS].decode(self.codec, errors="replace")))

    def long_reason(self) -> str:
        return (f"本行超过 {self.char_limit:,} 字（单元格上限的 4 倍，YUQING_MAX_CELL_CHARS），未读取：请检查是否缺少换行，"
                "或把过长的内容拆分后重新放入")

    def _decode(self, raw: bytes) -> Any:
        if raw.isascii():
            return raw.decode("ascii")
        if self.codec == "gb18030" and self.detected and _is_cjk_utf8(raw):
            return _BadLine("本行像是 UTF-8 编码，而文件其余部分是 GBK：请把整个文件统一另存为 UTF-8 后重新放入", _shown(raw, "utf-8"))
        try:
            return raw.decode(self.codec)
        except UnicodeDecodeError as exc:
            return _BadLine(self._decode_reason(raw, exc), _shown(raw, self.codec))

    def _decode_reason(self, raw: bytes, exc: UnicodeDecodeError) -> str:
        if self.codec == "utf-8" and self.detected and _decodes(raw, "gb18030"):
            return "本行像是 GBK 编码，而文件其余部分是 UTF-8：请把整个文件统一另存为 UTF-8 后重新放入"
        column = len(raw[: exc.start].decode(self.codec, errors="replace")) + 1
        bad = " ".join(f"0x{b:02X}" for b in raw[exc.start: min(exc.end, exc.start + 4)])
        advice = "如整个文件是另一种编码，请用 --encoding 指定" if not self.detected else "请修正该行后重新放入"
        return (f"本行第 {column} 个字符处有无法按 {self.shown} 解码的字节（{bad}），可能是复制时混入的乱码，未读取：{advice}")


def _decodes(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
        return True
    except UnicodeDecodeError:
        return False


def _is_cjk_utf8(raw: bytes) -> bool:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _shown(raw: bytes, codec: str) -> str:
    return preview(raw[: 4 * PREVIEW_CHARS].decode(codec, errors="replace").rstrip("\r\n"))


# --- CSV / TSV: records -------------------------------------------------------------

class _Stop(Exception):
    """Raised through csv.reader to abandon the record being read (a bad line, or too long)."""

    def __init__(self, item: tuple[int, Any] | None):
        super().__init__()
        self.item = item


class _Records:
    """Rows of a delimited file as ("header" | "row" | "fault", line, cells or reason).

    A quoted field may span lines (a message with paragraphs). Such a record is taken as one row only
    when it closes within `max_record_lines` lines and `max_record_chars` characters, has as many
    fields as the header, and none of its continuation lines is by itself a complete row. Otherwise its
    opening quote is taken as unbalanced: the line where the record starts is rejected, and reading
    resumes on the next line, so the rows the quote would have swallowed are read as rows of their own.
    """

    def __init__(self, lines: _Lines, limits: Limits, suffix: str):
        self.lines, self.limits, self.suffix = lines, limits, suffix
        self.pending: list[tuple[int, Any]] = []
        self.chars = 0
        self.width = 0
        self.delimiter = ","

    def __iter__(self) -> Iterator[tuple[str, int, Any]]:
        self.delimiter = self._sniff()
        reader = self._reader()
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except _Stop as stop:
                yield self._abandon(stop.item)
                reader = self._reader()
                continue
            except csv.Error as exc:
                yield self._abandon(None, _csv_reason(exc))
                reader = self._reader()
                continue
            used, chars, self.pending, self.chars = self.pending, self.chars, [], 0
            event = self._judge(record, used, chars)
            if event is None:
                continue
            if event[0] == "fault" and len(used) > 1:
                self.lines.push_back(used[1:])
                reader = self._reader()
            yield event

    def _reader(self):
        return csv.reader(self._feed(), delimiter=self.delimiter, strict=True)

    def _feed(self) -> Iterator[str]:
        while (item := self.lines.next()) is not None:
            number, text = item
            if isinstance(text, _BadLine):
                raise _Stop(item)
            self.pending.append(item)
            self.chars += len(text)
            if len(self.pending) > self.limits.max_record_lines or self.chars > self.limits.max_record_chars:
                raise _Stop(None)
            yield text

    def _sniff(self) -> str:
        if self.suffix == ".tsv":
            return "\t"
        while (item := self.lines.next()) is not None:
            if isinstance(item[1], _BadLine) or item[1].strip():
                self.lines.push_back([item])
                return _sniff_delimiter(item[1]) if isinstance(item[1], str) else ","
        return ","

    def _abandon(self, bad: tuple[int, Any] | None, reason: str | None = None) -> tuple[str, int, Any]:
        """The record being read cannot be a row: reject the line it started on, read the rest again."""
        pending, self.pending, self.chars = self.pending, [], 0
        if not pending:                       # the bad line is where the record starts
            number, line = bad
            return "fault", number, (line.reason, line.preview)
        self.lines.push_back(pending[1:] + ([bad] if bad else []))
        start, text = pending[0]
        if reason is None:
            reason = self._unclosed_reason(len(pending), bad)
        return "fault", start, (reason, preview(text.rstrip("\r\n")))

    def _unclosed_reason(self, spanned: int, bad: tuple[int, Any] | None) -> str:
        if spanned == 1 and bad is None:
            return self.lines.long_reason()
        if bad is not None:
            return (f"从本行开始的引号字段在第 {bad[0]} 行遇到无法读取的内容，可能是引号没有闭合：本行未入库，"
                    "其后各行已按独立的行读取；请检查本行的引号")
        if self.chars > self.limits.max_record_chars:
            return (f"从本行开始的记录超过 {self.limits.max_record_chars:,} 字仍未结束，可能是引号没有闭合：本行未入库，"
                    "其后各行已按独立的行读取；请检查本行的引号")
        return (f"从本行开始的引号字段跨越了 {spanned - 1} 行以上仍未结束（上限 {self.limits.max_record_lines} 行，"
                "YUQING_MAX_RECORD_LINES），可能是引号没有闭合：本行未入库，其后各行已按独立的行读取；请检查本行的引号")

    def _judge(self, record: list[str], used: list[tuple[int, Any]], chars: int) -> tuple[str, int, Any] | None:
        """What a parsed record is; `chars`: the length of its lines (no cell can be longer)."""
        start = used[0][0] if used else self.lines.number
        if not any(cell.strip() for cell in record):
            return None                       # blank line
        if not self.width:
            self.width = len(record)
            return "header", start, record
        if len(used) > 1 and self._swallowed(record, used):
            return "fault", start, (
                f"从本行开始的引号字段跨越了 {len(used)} 行，其中有的行本身就是完整的一行数据（或字段数与表头不符），"
                "像是引号没有闭合：本行未入库，其后各行已按独立的行读取；请检查本行的引号",
                preview(used[0][1].rstrip("\r\n")))
        if chars > self.limits.max_cell_chars:
            too_long = self._long_cell(record)
            if too_long:
                return "fault", start, too_long
        return "row", start, record

    def _swallowed(self, record: list[str], used: list[tuple[int, Any]]) -> bool:
        if len(record) != self.width:
            return True
        if self.width < 3:
            return False
        return any(len(next(csv.reader([text], delimiter=self.delimiter), [])) == self.width
                   for _, text in used[1:])

    def _long_cell(self, record: list[str]) -> tuple[str, str] | None:
        limit = self.limits.max_cell_chars
        for index, cell in enumerate(record):
            if len(cell) > limit:
                return (f"第 {index + 1} 列有 {len(cell):,} 字，超过单元格上限 {limit:,} 字（YUQING_MAX_CELL_CHARS），"
                        "本行未入库：请把过长的内容拆分或删减后重新放入", preview(cell))
        return None


def _csv_reason(exc: csv.Error) -> str:
    if "unexpected end of data" in str(exc):
        return "从本行开始的引号直到文件末尾都没有闭合：本行未入库，其后各行已按独立的行读取；请检查本行的引号"
    return f"本行引号用法有误（右引号后紧跟了其他字符：{exc}）：本行未入库；请检查本行的引号"


def read_delimited(path: Path, encoding: str | None = None, lazy: bool = False,
                   limits: Limits | None = None) -> RawTable:
    limits = limits or Limits()
    if encoding:
        enc, detected = _forced_encoding(path, encoding), False
    else:
        enc, detected = detect_encoding(path), True
    codec = "utf-8" if enc == "utf-8-sig" else enc
    table = RawTable(headers=[], rows=[], lines=[], encoding=codec if codec not in ("utf-16", "utf-32") else enc)
    lines = _Lines(path, codec, detected, limits, table)
    records = _read_records(_Records(lines, limits, path.suffix.lower()), table, limits)
    headers = next(records)  # the header row (ReadError when there is none)
    if headers and headers[0].startswith("\ufeff"):
        headers[0] = headers[0][1:]
    table.headers = [h.strip() for h in headers]
    table.filler = records
    if not lazy:
        table.load_all()
    return table


_YIELD_EVERY = 5_000


def _read_records(records: _Records, table: RawTable, limits: Limits) -> Iterator[Any]:
    """Yields the header row, then the number of rows appended to `table` so far, every few thousand
    rows and at the end. Blank lines are skipped; each row remembers its first physical line."""
    rows, lines, faults = table.rows, table.lines, table.faults   # emptied by table.release() meanwhile
    has_headers = False
    for kind, line, value in records:
        if not has_headers:
            if kind == "fault":
                raise ReadError(f"表头行（第 {line} 行）无法读取：{value[0]}")
            if len(value) > limits.max_columns:
                raise ReadError(f"表头有 {len(value):,} 列，超过列数上限 {limits.max_columns:,} 列（YUQING_MAX_COLUMNS），"
                                "未读取：请检查分隔符，或只导出需要的列")
            has_headers = True
            yield value
            continue
        if kind == "fault":
            faults[line] = value[0]
            value = [value[1]]
        rows.append(value)
        lines.append(line)
        count = table.dropped + len(rows)
        if count > limits.max_rows:
            raise ReadError(f"文件超过 {limits.max_rows:,} 行（YUQING_MAX_ROWS），未入库：请拆分为几个文件后重新放入")
        if count % _YIELD_EVERY == 0:
            yield count
    if not has_headers:
        raise ReadError("文件是空的：没有表头行")
    table.read_fraction = 1.0
    yield table.dropped + len(rows)


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


# --- Excel ---------------------------------------------------------------------

def read_excel(path: Path, sheet: str | int | None = None, limits: Limits | None = None) -> RawTable:
    import python_calamine

    limits = limits or Limits()
    long_cells = True
    if guard.sniff(path) == "zip":
        long_cells = guard.check_xlsx(path, sheet, limits).longest_cell_bytes > limits.max_cell_chars
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        if sheet is None:
            data = workbook.get_sheet_by_index(0)
        elif isinstance(sheet, int) or str(sheet).isdigit():
            data = workbook.get_sheet_by_index(int(sheet))
        else:
            data = workbook.get_sheet_by_name(str(sheet))
        if data.height - 1 > limits.max_rows or data.width > limits.max_columns:
            raise ReadError(f"工作表有 {data.height:,} 行 × {data.width:,} 列，超过上限（YUQING_MAX_ROWS {limits.max_rows:,} 行、"
                            f"YUQING_MAX_COLUMNS {limits.max_columns:,} 列），未读取：请拆分为几个文件后重新放入")
        cells = data.to_python(skip_empty_area=False)
    except ReadError:
        raise
    except Exception as exc:  # calamine raises its own error types per format problem
        raise ReadError(f"无法读取 Excel 文件（文件损坏、加密或格式不受支持：{guard.first_line(exc)}）："
                        "请在 Excel 中打开并另存为 .xlsx 后重新放入") from exc
    return _sheet_table(cells, limits, long_cells)


def _sheet_table(cells: list[list[Any]], limits: Limits, long_cells: bool) -> RawTable:
    headers: list[str] | None = None
    table = RawTable(headers=[], rows=[], lines=[], encoding=None)
    for index, record in enumerate(cells):
        sheet_row = index + 1  # Excel's own row number
        if not any(_cell_has_value(c) for c in record):
            continue  # blank (often just formatted) row
        if headers is None:
            headers = ["" if c is None else str(c).strip() for c in record]
            continue
        fault = _long_cell(record, limits.max_cell_chars) if long_cells else None
        if fault:
            table.faults[sheet_row] = fault[0]
            record = [fault[1]]
        table.rows.append(list(record))
        table.lines.append(sheet_row)
    if headers is None:
        raise ReadError("工作表是空的：没有表头行")
    table.headers = headers
    return table


def _long_cell(record: list[Any], limit: int) -> tuple[str, str] | None:
    for index, cell in enumerate(record):
        if isinstance(cell, str) and len(cell) > limit:
            return (f"第 {index + 1} 列有 {len(cell):,} 字，超过单元格上限 {limit:,} 字（YUQING_MAX_CELL_CHARS），"
                    "本行未入库：请把过长的内容拆分或删减后重新放入", preview(cell))
    return None


def _cell_has_value(cell: Any) -> bool:
    if cell is None:
        return False
    if isinstance(cell, str):
        return bool(cell.strip())
    return True


# --- Parquet -------------------------------------------------------------------

def read_parquet(path: Path, limits: Limits | None = None, lazy: bool = False) -> RawTable:
    limits = limits or Limits()
    parquet = guard.check_parquet(path, limits)
    headers = [str(name) for name in parquet.schema_arrow.names]
    table = RawTable(headers=headers, rows=[], lines=[], encoding=None)
    table.filler = _parquet_batches(parquet, table, limits)
    if not lazy:
        table.load_all()
    return table


def _parquet_batches(parquet, table: RawTable, limits: Limits) -> Iterator[int]:
    """Appends the file's rows to `table` batch by batch, yielding how many have been read so far."""
    import pyarrow as pa

    total = max(parquet.metadata.num_rows, 1)
    try:
        for batch in parquet.iter_batches(batch_size=10_000):
            _add_batch(table, pa.Table.from_batches([batch]), limits)
            count = table.dropped + len(table.rows)
            table.read_fraction = min(count / total, 1.0)
            yield count
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(f"无法读取 Parquet 文件（数据页损坏或不完整：{guard.first_line(exc)}）：请重新导出后放入") from exc


def _add_batch(table: RawTable, batch, limits: Limits) -> None:
    """A batch's rows, a row with a text cell over the cell limit as a row fault."""
    import pyarrow as pa
    import pyarrow.compute as pc

    first = table.dropped + len(table.rows) + 1
    long_rows = set()
    for column in batch.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            lengths = pc.utf8_length(column)
            if (pc.max(lengths).as_py() or 0) > limits.max_cell_chars:
                long_rows.update(i for i, n in enumerate(lengths.to_pylist()) if n and n > limits.max_cell_chars)
    columns = [column.to_pylist() for column in batch.columns]
    for offset, row in enumerate(zip(*columns)):
        line = first + offset
        fault = _long_cell(list(row), limits.max_cell_chars) if offset in long_rows else None
        if fault:
            table.faults[line] = fault[0]
        table.rows.append([fault[1]] if fault else list(row))
        table.lines.append(line)
