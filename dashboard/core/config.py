"""Paths and settings. Defaults come from the package location, never the CWD;
every setting can be overridden with a YUQING_* environment variable."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = PROJECT_ROOT / "queries"


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _data_dir() -> Path:
    return _env_path("YUQING_DATA_DIR", PROJECT_ROOT / "data")


@dataclass(frozen=True)
class Limits:
    """What one drop may hold (docs/data-contract.md, "Limits"). Every reader checks these before it
    allocates: a file past a file-level limit is quarantined with a Chinese reason, a row past a
    row-level limit is rejected with its line."""

    # A file larger than this (MB) is quarantined before it is read.
    max_file_mb: float = field(default_factory=lambda: _env_float("YUQING_MAX_FILE_MB", 2048))
    # Data rows in one file (CSV records, sheet rows, Parquet rows).
    max_rows: int = field(default_factory=lambda: _env_int("YUQING_MAX_ROWS", 5_000_000))
    # Columns in the header row (and the widest sheet row).
    max_columns: int = field(default_factory=lambda: _env_int("YUQING_MAX_COLUMNS", 500))
    # Characters in one cell; a CSV record may hold 4 times this in all (its cells and separators).
    max_cell_chars: int = field(default_factory=lambda: _env_int("YUQING_MAX_CELL_CHARS", 100_000))
    # Cells of a worksheet's used range (rows x columns, as the reader would lay them out).
    max_sheet_cells: int = field(default_factory=lambda: _env_int("YUQING_MAX_SHEET_CELLS", 30_000_000))
    # Bytes an XLSX workbook unpacks to (MB): declared sizes and the bytes really inflated.
    max_unzipped_mb: float = field(default_factory=lambda: _env_float("YUQING_MAX_UNZIPPED_MB", 4096))
    # Physical lines one quoted CSV field may span before its opening quote is taken as unbalanced.
    max_record_lines: int = field(default_factory=lambda: _env_int("YUQING_MAX_RECORD_LINES", 200))

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_unzipped_bytes(self) -> int:
        return int(self.max_unzipped_mb * 1024 * 1024)

    @property
    def max_record_chars(self) -> int:
        return 4 * self.max_cell_chars


@dataclass(frozen=True)
class Settings:
    """Everything ingest and the store need to know about where things live.

    Read from the environment when created (not at import), so a process can be
    pointed elsewhere by YUQING_DATA_DIR / YUQING_DB before it builds its Settings.
    Dictionaries and mapping profiles are configuration, shipped in the project's
    data/ folder, unless YUQING_DICTS / YUQING_MAPPINGS say otherwise.
    """

    data_dir: Path = field(default_factory=_data_dir)
    db_path: Path = field(default_factory=lambda: _env_path("YUQING_DB", _data_dir() / "warehouse.duckdb"))
    dicts_dir: Path = field(default_factory=lambda: _env_path("YUQING_DICTS", PROJECT_ROOT / "data" / "dicts"))
    mappings_dir: Path = field(
        default_factory=lambda: _env_path("YUQING_MAPPINGS", PROJECT_ROOT / "data" / "mappings"))
    # A file with more than this share of bad rows is quarantined whole.
    max_reject_share: float = field(default_factory=lambda: _env_float("YUQING_MAX_REJECT_SHARE", 0.3))
    # The watcher leaves files alone until they have been still this long (seconds).
    settle_seconds: float = field(default_factory=lambda: _env_float("YUQING_SETTLE_SECONDS", 3.0))
    # DuckDB's memory limit in the dashboard server (queries spill to disk beyond it), so the server
    # stays small on a store of ten million items.
    server_memory_limit: str = field(default_factory=lambda: os.environ.get("YUQING_SERVER_MEMORY", "1GB"))
    # Size limits of every drop.
    limits: Limits = field(default_factory=Limits)
    # A file whose ingest was interrupted this many times (the process crashed or was killed while it
    # was being read or written) is quarantined instead of being tried again.
    poison_after: int = field(default_factory=lambda: _env_int("YUQING_POISON_AFTER", 1))
    # A file whose write failed this many times (store errors) is quarantined instead of being retried.
    max_attempts: int = field(default_factory=lambda: _env_int("YUQING_MAX_ATTEMPTS", 5))

    @property
    def inbox_dir(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def rejected_dir(self) -> Path:
        return self.data_dir / "rejected"

    @property
    def state_dir(self) -> Path:
        """Markers of ingests in progress (one per file content): what a crash leaves behind."""
        return self.data_dir / "state"

    @property
    def outcomes_dir(self) -> Path:
        """Where the inbox watcher leaves one JSON outcome per file (read by a waiting CLI)."""
        return self.data_dir / "outcomes"

    def with_db(self, db_path: str | Path | None) -> "Settings":
        if db_path is None:
            return self
        from dataclasses import replace

        return replace(self, db_path=Path(db_path).expanduser().resolve())


def settings_for(data_dir: str | Path, db_path: str | Path | None = None) -> Settings:
    """Settings rooted at another data folder (tests, a second deployment)."""
    data_dir = Path(data_dir).resolve()
    return Settings(
        data_dir=data_dir,
        db_path=Path(db_path).resolve() if db_path else data_dir / "warehouse.duckdb",
        dicts_dir=PROJECT_ROOT / "data" / "dicts",
        mappings_dir=PROJECT_ROOT / "data" / "mappings",
    )


@dataclass(frozen=True)
class AnalyticsSettings:
    """Rules behind the figures; shown beside them so readers know how they were made."""

    # Rates whose denominator is below this are marked as resting on too few items.
    min_denominator: int = field(default_factory=lambda: _env_int("YUQING_MIN_DENOMINATOR", 5))
    # A valid request with no reply after this many days is overdue.
    overdue_days: int = field(default_factory=lambda: _env_int("YUQING_OVERDUE_DAYS", 15))
    # Reminder list: reply/satisfaction rate below this.
    reminder_threshold: float = field(default_factory=lambda: _env_float("YUQING_REMINDER_THRESHOLD", 0.9))
    # "both": below on reply AND satisfaction (the bulletin's rule); "either": below on one of them.
    reminder_rule: str = field(default_factory=lambda: os.environ.get("YUQING_REMINDER_RULE", "both"))
    # "pooled": sum of numerators / sum of denominators; "mean": mean of department rates.
    average_mode: str = field(default_factory=lambda: os.environ.get("YUQING_AVERAGE_MODE", "pooled"))
    # Ratings that count as "satisfied" (the bulletin counts 满意 and 基本满意).
    satisfied_values: tuple[str, ...] = field(default_factory=lambda: tuple(
        v.strip() for v in os.environ.get("YUQING_SATISFIED_VALUES", "满意,基本满意").split(",") if v.strip()))
    # The monitoring day starts at this hour (0 = calendar day).
    day_start_hour: int = field(default_factory=lambda: _env_int("YUQING_DAY_START_HOUR", 8))
    # A day's due-aware figures (到期诉求答复率, department reminders) look at the requests published in
    # this many days that ended overdue_days before it: all of them past their reply deadline.
    due_window_days: int = field(default_factory=lambda: _env_int("YUQING_DUE_WINDOW_DAYS", 30))
