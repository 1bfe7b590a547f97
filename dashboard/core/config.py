"""Paths and settings. Defaults come from the package location, never the CWD;
every setting can be overridden with a YUQING_* environment variable.

Each variable is declared once, with `_setting`: its name, its description and its default live in
the field's metadata, and docs/cli.md's table of variables is generated from them (docs/generate.py)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
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


def _env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_list(name: str, default: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in os.environ.get(name, default).split(",") if v.strip())


def _env_ints(name: str, default: str) -> tuple[int, ...]:
    return tuple(int(v) for v in _env_list(name, default))


def _data_dir() -> Path:
    return _env_path("YUQING_DATA_DIR", PROJECT_ROOT / "data")


def _setting(env: str, read, default, doc: str, shown: str | None = None):
    """A field read from the environment variable `env` when its object is created (not at import),
    by `read(env, default)`; a callable default is computed then too. `doc` is the variable's one
    description; `shown` is its default as the docs print it (else the default itself)."""
    if shown is None:
        shown = f"{default:g}" if isinstance(default, float) else str(default)
    return field(default_factory=lambda: read(env, default() if callable(default) else default),
                 metadata={"env": env, "default": shown, "doc": doc})


@dataclass(frozen=True)
class Limits:
    """What one drop may hold (docs/data-contract.md, "Limits"). Every reader checks these before it
    allocates: a file past a file-level limit is quarantined with a Chinese reason, a row past a
    row-level limit is rejected with its line."""

    max_file_mb: float = _setting("YUQING_MAX_FILE_MB", _env_float, 2048,
                                  "单个文件的大小上限（MB）：更大的文件不读取，直接隔离")
    max_rows: int = _setting("YUQING_MAX_ROWS", _env_int, 5_000_000,
                             "单个文件的数据行数上限（CSV 记录、工作表行、Parquet 行）")
    max_columns: int = _setting("YUQING_MAX_COLUMNS", _env_int, 500, "表头（以及最宽的工作表行）的列数上限")
    max_cell_chars: int = _setting("YUQING_MAX_CELL_CHARS", _env_int, 100_000,
                                   "单元格的字符数上限；一条 CSV 记录（所有单元格和分隔符）最多为它的 4 倍")
    max_sheet_cells: int = _setting("YUQING_MAX_SHEET_CELLS", _env_int, 30_000_000,
                                    "工作表使用范围的单元格数上限（行数 × 列数，按读取时的排布计算）")
    max_unzipped_mb: float = _setting("YUQING_MAX_UNZIPPED_MB", _env_float, 4096,
                                      "XLSX 工作簿解压后的大小上限（MB）：按声明的大小和实际解压的字节计")
    max_record_lines: int = _setting("YUQING_MAX_RECORD_LINES", _env_int, 200,
                                     "带引号的 CSV 字段最多可跨的物理行数，超过即视为引号不成对")

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

    data_dir: Path = _setting("YUQING_DATA_DIR", _env_path, PROJECT_ROOT / "data",
                              "数据文件夹：收件箱 inbox/、归档 archive/、隔离 rejected/、导入结果 outcomes/ "
                              "和数据库都在这里", shown="项目的 `data/`")
    db_path: Path = _setting("YUQING_DB", _env_path, lambda: _data_dir() / "warehouse.duckdb",
                             "数据库文件（命令行的 `--db` 优先）", shown="`$YUQING_DATA_DIR/warehouse.duckdb`")
    dicts_dir: Path = _setting("YUQING_DICTS", _env_path, PROJECT_ROOT / "data" / "dicts",
                               "词典文件夹：用户词典、停用词、关注词、地区表、情感词典", shown="项目的 `data/dicts/`")
    mappings_dir: Path = _setting("YUQING_MAPPINGS", _env_path, PROJECT_ROOT / "data" / "mappings",
                                  "列映射配置文件夹（每个来源系统一个 TOML 文件）", shown="项目的 `data/mappings/`")
    max_reject_share: float = _setting("YUQING_MAX_REJECT_SHARE", _env_float, 0.3,
                                       "一个文件中被拒绝的行超过这个比例时，整个文件隔离"
                                       "（命令行的 `--max-reject-share` 优先）")
    settle_seconds: float = _setting("YUQING_SETTLE_SECONDS", _env_float, 3.0,
                                     "收件箱中的文件大小和修改时间保持不变这么多秒后才导入（不导入写了一半的文件）")
    # Kept small so that the server stays small on a store of ten million items.
    server_memory_limit: str = _setting("YUQING_SERVER_MEMORY", _env_str, "1GB",
                                        "看板服务器（`serve`）中 DuckDB 的内存上限；更大的查询溢写到磁盘")
    # An ingest keeps a few slices of a file in memory, never the whole file: the rest is staged in
    # temporary DuckDB tables, which spill to disk (`<store>.tmp/`) past the memory limit.
    ingest_memory_limit: str = _setting("YUQING_INGEST_MEMORY", _env_str, "512MB",
                                        "命令行导入（`ingest`、`watch`）中 DuckDB 的内存上限；更大的文件溢写到磁盘"
                                        "（数据库旁的 `.tmp` 文件夹），内存占用不随文件变大")
    ingest_slice_rows: int = _setting("YUQING_INGEST_SLICE_ROWS", _env_int, 10_000,
                                      "导入时每片的行数：文件按片读取、校验、分词后暂存到磁盘，内存中只有几片")
    # Size limits of every drop.
    limits: Limits = field(default_factory=Limits)
    poison_after: int = _setting("YUQING_POISON_AFTER", _env_int, 1,
                                 "一个文件的导入被中断（进程在读或写它时崩溃或被终止）这么多次后隔离，不再重试")
    max_attempts: int = _setting("YUQING_MAX_ATTEMPTS", _env_int, 5,
                                 "一个文件写入数据库失败这么多次后隔离，不再重试")

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

    min_denominator: int = _setting("YUQING_MIN_DENOMINATOR", _env_int, 5,
                                    "分母小于这个数的比率标为“样本过少”")
    overdue_days: int = _setting("YUQING_OVERDUE_DAYS", _env_int, 15, "有效诉求超过这么多天未答复即为超期")
    reminder_threshold: float = _setting("YUQING_REMINDER_THRESHOLD", _env_float, 0.9,
                                         "答复率或满意率低于这个值的部门列入提醒名单")
    reminder_rule: str = _setting("YUQING_REMINDER_RULE", _env_str, "both",
                                  "`both`：答复率和满意率都低于阈值才提醒（通报的规则）；`either`：任一低于即提醒")
    average_mode: str = _setting("YUQING_AVERAGE_MODE", _env_str, "pooled",
                                 "通报中的“平均”比率：`pooled` 分子之和 ÷ 分母之和；`mean` 各部门比率的平均")
    satisfied_values: tuple[str, ...] = _setting("YUQING_SATISFIED_VALUES", _env_list, "满意,基本满意",
                                                 "计为“满意”的评价，逗号分隔")
    day_start_hour: int = _setting("YUQING_DAY_START_HOUR", _env_int, 8,
                                   "监测日从这个钟点开始（8 即 08:00–次日 08:00；0 为自然日）")
    due_window_days: int = _setting("YUQING_DUE_WINDOW_DAYS", _env_int, 30,
                                    "到期诉求答复率和部门提醒的时间窗（天）：某日看的是发布于这么多天内、"
                                    "在该日之前都已过答复期限（YUQING_OVERDUE_DAYS）的诉求")
    alert_budget: tuple[int, ...] = _setting("YUQING_ALERT_BUDGET", _env_ints, "5,5,3",
                                             "每个监测日最多列出的高、中、低级预警条数（逗号分隔）；"
                                             "其余汇总为一句“另有 N 条…预警”", shown="5,5,3")
    backlog_alert_growth: int = _setting("YUQING_BACKLOG_ALERT_GROWTH", _env_int, 10,
                                         "超期未答复积压一天净增（新超期减本日办结）达到这么多件才作为预警；"
                                         "否则只在预警上方写一句积压情况")


@dataclass(frozen=True)
class AccessSettings:
    """Accounts and sessions (docs/security.md): how people log in and how long a login lasts."""

    auth_mode: str = _setting("YUQING_AUTH", _env_str, "local",
                              "登录方式：`local` 本地账号（默认，无需网络）；`oidc` 统一身份认证（单点登录，"
                              "OpenID Connect，设置见 docs/security.md）")
    lockout_count: int = _setting("YUQING_LOCKOUT_COUNT", _env_int, 5,
                                  "连续输错密码这么多次后锁定账号")
    lockout_minutes: int = _setting("YUQING_LOCKOUT_MINUTES", _env_int, 15, "账号锁定的分钟数")
    idle_minutes: int = _setting("YUQING_IDLE_MINUTES", _env_int, 30,
                                 "这么多分钟没有操作后需要重新登录")
    absolute_minutes: int = _setting("YUQING_ABSOLUTE_MINUTES", _env_int, 480,
                                     "登录这么多分钟后（无论是否有操作）需要重新登录（默认 8 小时）；"
                                     "统一身份认证从身份令牌的签发时间（`iat`）算起，不按 Streamlit 30 天的登录 Cookie")
    max_upload_mb: int = _setting("YUQING_MAX_UPLOAD_MB", _env_int, 200,
                                  "「数据管理」页上传文件的大小上限（MB），`serve` 交给 Streamlit 的 server.maxUploadSize")


@dataclass(frozen=True)
class SsoSettings:
    """Single sign-on (YUQING_AUTH=oidc; OpenID Connect through Streamlit's st.login): where the identity
    provider is and how its claims become a role. A sign-in ends YUQING_ABSOLUTE_MINUTES after the identity
    token was issued. docs/security.md, "统一身份认证（SSO）设置"."""

    metadata_url: str = _setting("YUQING_OIDC_METADATA_URL", _env_str, "",
                                 "统一身份认证：身份提供方的发现地址（以 `/.well-known/openid-configuration` 结尾）",
                                 shown="（无）")
    client_id: str = _setting("YUQING_OIDC_CLIENT_ID", _env_str, "",
                              "统一身份认证：在身份提供方登记的本看板的客户端标识（client id）", shown="（无）")
    client_secret: str = _setting("YUQING_OIDC_CLIENT_SECRET", _env_str, "",
                                  "统一身份认证：客户端密钥（client secret）；只写入数据文件夹的 private/，不显示、不记录",
                                  shown="（无）")
    redirect_uri: str = _setting("YUQING_OIDC_REDIRECT_URI", _env_str, "http://localhost:{port}/oauth2callback",
                                 "统一身份认证：登录后返回看板的地址，须以 `/oauth2callback` 结尾并在身份提供方登记；"
                                 "`{port}` 代入看板端口；经反向代理访问时写对外的 HTTPS 地址")
    role_claim: str = _setting("YUQING_OIDC_ROLE_CLAIM", _env_str, "role",
                               "统一身份认证：令牌中携带角色的声明名（字符串或列表）；用户表中登记了该账号主体"
                               "（`--sso-subject`）时以用户表为准")
    role_map: tuple[str, ...] = _setting("YUQING_OIDC_ROLE_MAP", _env_list,
                                         "informant=informant,leader=leader,analyst=analyst,admin=admin",
                                         "统一身份认证：声明值到角色的对应，`声明值=角色` 逗号分隔"
                                         "（角色为 informant、leader、analyst、admin）；不在表中的值不给任何角色；"
                                         "编辑权限只在用户表中授予（`user desk`）")


@dataclass(frozen=True)
class DeskSettings:
    """The editorial desk (docs/workflow.md): who the signed 《重要舆情摘报》 goes to."""

    recipients: tuple[str, ...] = _setting("YUQING_DESK_RECIPIENTS", _env_list, "市委办公室,市委宣传部",
                                           "《重要舆情摘报》默认的报送单位（逗号分隔）；编辑可逐期增删",
                                           shown="市委办公室,市委宣传部")
    issue_title: str = _setting("YUQING_DESK_TITLE", _env_str, "重要舆情摘报", "编辑台编发刊物的名称")


def environment_variables() -> list[dict]:
    """Every YUQING_* variable the product reads, in declaration order: {env, default, doc}."""
    return [dict(f.metadata) for cls in (Settings, Limits, AnalyticsSettings, AccessSettings, SsoSettings, DeskSettings)
            for f in fields(cls)
            if "env" in f.metadata]
