"""Command line: python -m dashboard {ingest,watch,demo,query,check,derive,report,sentiment,serve}.

A public interface: scripts and cron jobs rely on these commands, options and
exit codes (docs/cli.md). Exit codes: 0 success; 1 a file was quarantined or
failed (ingest) or a check found problems (check); 2 usage errors.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

from dashboard.core.config import PROJECT_ROOT, Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="舆情态势感知看板 — public-opinion dashboard: ingest drops, generate demo data, run named queries, serve.",
        epilog="Exit codes: 0 ok; 1 a file was quarantined/failed or a check found problems; 2 usage error. "
               "Environment variables (YUQING_*): the table in docs/cli.md, section Environment · 环境变量.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_command in (_add_ingest, _add_watch, _add_demo, _add_query, _add_check, _add_derive, _add_sentiment,
                        _add_report, _add_serve, _add_user):
        add_command(sub)
    return parser


def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--db", help="DuckDB file (default: data/warehouse.duckdb, or $YUQING_DB)")
    return p


def _add_ingest(sub) -> None:
    p = with_db(sub.add_parser("ingest", help="ingest CSV/TSV/XLSX/Parquet files or folders",
                               description="Ingest files. Writes directly when no dashboard holds the store; "
                                           "otherwise hands the files to the running dashboard's inbox and "
                                           "waits for each outcome. Files outside data/inbox/ are copied to "
                                           "the archive, files inside it are moved."))
    p.add_argument("paths", nargs="+", metavar="PATH", help="a file, or a folder (its supported files)")
    p.add_argument("--mapping", metavar="NAME", help="mapping profile data/mappings/NAME.toml (default: auto-match)")
    p.add_argument("--encoding", help="CSV encoding override (utf-8, gbk, gb18030 …; default: detected)")
    p.add_argument("--sheet", help="XLSX sheet name or 0-based index (default: the first sheet)")
    p.add_argument("--max-reject-share", type=float, metavar="F",
                   help="quarantine a file when more than this share of rows fail (default 0.3)")
    p.add_argument("--wait", type=float, default=600, metavar="SECONDS",
                   help="when handing over to a running dashboard, wait this long per file (default 600)")
    p.add_argument("--json", action="store_true", help="print one JSON outcome per file instead of text")


def _add_watch(sub) -> None:
    p = with_db(sub.add_parser("watch", help="ingest files dropped into data/inbox/ (without the dashboard)"))
    p.add_argument("--once", action="store_true", help="ingest what is settled now, then exit")
    p.add_argument("--interval", type=float, default=2.0, metavar="SECONDS", help="seconds between scans (default 2)")


def _add_demo(sub) -> None:
    p = with_db(sub.add_parser("demo", help="generate realistic demo items into the store or as drop files",
                               description="Demo items are marked as such; every page says so while any is in "
                                           "the store, and the first real file ingested removes them. A store "
                                           "that holds real items takes no demo items (use another --db)."))
    p.add_argument("--remove", action="store_true", help="remove every demo item from the store and exit")
    p.add_argument("--items", type=int, default=20_000, metavar="N", help="number of items (default 20000)")
    p.add_argument("--days", type=int, default=180, metavar="D", help="days covered, ending today (default 180)")
    p.add_argument("--seed", type=int, default=42, metavar="S", help="random seed (default 42)")
    p.add_argument("--out", metavar="DIR", help="write drop files here instead of loading the store")
    p.add_argument("--format", choices=("csv", "parquet", "xlsx"), default="csv", help="file format with --out")


def _add_query(sub) -> None:
    p = with_db(sub.add_parser("query", help="run a named query from queries/ and print its rows"))
    p.add_argument("name", nargs="?", metavar="NAME", help="query name, e.g. admin/ingest_log (see --list)")
    p.add_argument("--list", action="store_true", help="list query names and their parameters")
    p.add_argument("--param", action="append", default=[], metavar="K=V",
                   help="bind a parameter; V is read as JSON when it parses (numbers, lists, null), else as text")
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default csv)")


def _add_check(sub) -> None:
    with_db(sub.add_parser("check", help="run the data checks in queries/checks/ (exit 1 when any finds rows)"))


def _add_derive(sub) -> None:
    with_db(sub.add_parser("derive", help="find regions in stored items' text again, refresh predicted categories and judge replies again",
                           description="Run after editing data/dicts/regions.txt: finds the region of every item "
                                       "whose source gave none again, from its title and text (items with a "
                                       "source region are never touched), then retrains the category model if "
                                       "the labelled items changed and predicts the category of items without one."))


def _add_sentiment(sub) -> None:
    sub.add_parser("sentiment", help="label text from stdin: one text per line in, one of 正面/中性/负面 per line out",
                   description="Reads UTF-8 text, one item per line, and writes one label per line (blank line → 中性). "
                               "Uses the same offline lexicon scorer as ingest (data/dicts/sentiment/).")


def _add_report(sub) -> None:
    p = with_db(sub.add_parser("report", help="write a report: the daily digest 舆情摘报, the responsiveness "
                                              "bulletin 通报 or a special report 专报",
                               description="daily: 《舆情摘报》 for one monitoring day (--date D, default yesterday's), "
                                           "numbered 第 N 期 in the store. bulletin: 留言办理情况通报 for --from D --to D, "
                                           "or the calendar month of --date (YYYY-MM or YYYY-MM-DD; default last month). "
                                           "special: 《专报》 for any selection of --category/--channel/--region/"
                                           "--department/--keyword over --from/--to (default: all time). "
                                           "replies: 答复质量报告 (reply substance per department, flagged replies "
                                           "and their reasons) over --from/--to and --department; --format csv "
                                           "writes one row per judged reply."))
    p.add_argument("kind", choices=("daily", "bulletin", "special", "replies"),
                   help="daily 舆情摘报, bulletin 办理情况通报, special 专报, or replies 答复质量")
    p.add_argument("--date", metavar="D", help="daily: the monitoring day YYYY-MM-DD; bulletin: a month YYYY-MM")
    p.add_argument("--from", dest="date_from", metavar="D",
                   help="bulletin (with --to), special: first day YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="D", help="bulletin (with --from), special: last day "
                                                             "YYYY-MM-DD, inclusive")
    p.add_argument("--as-of", dest="as_of", metavar="T",
                   help="bulletin: judge replies as of this day YYYY-MM-DD (its end) or time YYYY-MM-DDTHH:MM "
                        "(default: the data cut-off, the newest published/replied time in the store)")
    p.add_argument("--format", choices=("docx", "md", "csv"),
                   help="default: from the suffix of -o (.docx, .csv, else md; md writes its chart images beside "
                        "it); csv only for replies")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write the report")
    for option, dest in (("--category", "categories"), ("--channel", "channels"), ("--region", "regions"),
                         ("--department", "departments")):
        p.add_argument(option, dest=dest, action="append", metavar="NAME",
                       help="special" + (", replies" if dest == "departments" else "") + ": only these (repeatable)")
    p.add_argument("--keyword", help="special: items whose title or text contains this")
    p.add_argument("--title", help="special: the report's title (default 舆情专报)")


def _add_serve(sub) -> None:
    p = with_db(sub.add_parser("serve", help="open the dashboard (loads demo data when the store is empty)"))
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument("--no-demo", action="store_true", help="do not load demo data into an empty store")
    p.add_argument("--demo-items", type=int, default=20_000, metavar="N",
                   help="demo items loaded into an empty store (default 20000)")



def _add_user(sub) -> None:
    p = sub.add_parser("user", help="local accounts of the dashboard: add, list, disable, reset-password",
                       description="Accounts for the dashboard's login (docs/security.md). Without --password-stdin "
                                   "a strong one-time password is generated and printed once. The command line "
                                   "itself keeps full access (it runs with the store owner's rights). Stop the "
                                   "dashboard first: it holds the store (or manage users on its 数据管理 page).")
    actions = p.add_subparsers(dest="user_command", required=True, metavar="ACTION",
                               help="add NAME --role R [--password-stdin] [--department D …] [--region R …] [--sso-subject SUB] "
                                    "[--unit U] [--desk] | list | disable NAME | reset-password NAME [--password-stdin] | "
                                    "desk NAME [--off] (each has --db)")
    add = with_db(actions.add_parser("add", help="add an account"))
    add.add_argument("name", metavar="NAME", help="user name (what the user types to log in)")
    add.add_argument("--role", required=True, choices=("informant", "leader", "analyst", "admin"),
                     help="informant (submits items, sees only its own), leader (aggregates; signs the desk's issues), "
                          "analyst (+ masked item exports and reports), admin (everything)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    add.add_argument("--department", dest="departments", action="append", default=[], metavar="D",
                     help="restrict the account to this department's items (repeatable)")
    add.add_argument("--region", dest="regions", action="append", default=[], metavar="R",
                     help="restrict the account to this region's items (repeatable)")
    add.add_argument("--sso-subject", metavar="SUB",
                     help="the account's single sign-on subject (the identity token's `sub`, YUQING_AUTH=oidc): "
                          "its role, departments and regions then come from here, not from the provider's claim; "
                          "without --password-stdin such an account gets no local password")
    add.add_argument("--unit", metavar="U", help="the account's unit (an informant's, for the per-unit adoption figures)")
    add.add_argument("--desk", action="store_true",
                     help="give an analyst the desk right: an editor (编辑台, 摘报; sees who submitted what)")
    with_db(actions.add_parser("list", help="list accounts (never their passwords)"))
    desk = with_db(actions.add_parser("desk", help="give an analyst the desk right (editor), or take it away (--off)"))
    desk.add_argument("name", metavar="NAME")
    desk.add_argument("--off", action="store_true", help="take the desk right away")
    disable = with_db(actions.add_parser("disable", help="disable an account (it can no longer log in)"))
    disable.add_argument("name", metavar="NAME")
    reset = with_db(actions.add_parser("reset-password", help="set a new password and lift a lock-out"))
    reset.add_argument("name", metavar="NAME")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings().with_db(getattr(args, "db", None))
    if getattr(args, "max_reject_share", None) is not None:
        if not 0 <= args.max_reject_share <= 1:
            print("错误：--max-reject-share 应在 0 到 1 之间", file=sys.stderr)
            return EXIT_USAGE
        from dataclasses import replace

        settings = replace(settings, max_reject_share=args.max_reject_share)
    handler = {"ingest": cmd_ingest, "watch": cmd_watch, "demo": cmd_demo, "query": cmd_query,
               "check": cmd_check, "derive": cmd_derive, "sentiment": cmd_sentiment, "serve": cmd_serve,
               "report": cmd_report, "user": cmd_user}[args.command]
    try:
        return handler(args, settings)
    except UsageError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as exc:
        from dashboard.core.store import MigrationChanged

        if not isinstance(exc, MigrationChanged):   # the store refuses to open, and says why
            raise
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


# --- ingest ------------------------------------------------------------------

def _expand_paths(paths: list[str]) -> list[Path]:
    from dashboard.core.ingest.readers import SUPPORTED_SUFFIXES

    files = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                           and not p.name.startswith((".", "~$")))
            if not found:
                raise UsageError(f"文件夹 {path} 中没有可导入的文件（CSV/TSV/XLSX/Parquet）")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"找不到文件 {path}")
    return files


def cmd_ingest(args, settings: Settings) -> int:
    """Every file is tried and reported, whatever happened to the ones before it."""
    from dashboard.core import store
    from dashboard.core.ingest.mapping import MappingError, find_profile

    files = _expand_paths(args.paths)
    if args.mapping:
        try:
            find_profile(settings.mappings_dir, args.mapping)
        except MappingError as exc:
            raise UsageError(str(exc)) from exc
    try:   # DuckDB's memory capped: a file of any size spills to disk instead of growing the process
        con = store.connect(settings.db_path, memory_limit=settings.ingest_memory_limit)
    except store.StoreBusy:
        con = None
    if con is None:
        outcomes = _ingest_through_inbox(args, settings, files)
    else:
        try:
            outcomes = _ingest_directly(args, settings, con, files)
        finally:
            con.close()
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_FAILED


def _ingest_through_inbox(args, settings: Settings, files: list[Path]) -> list:
    from dashboard.core.ingest import inbox
    from dashboard.core.ingest.loader import FileOutcome

    if args.mapping or args.encoding or args.sheet:
        print("提示：看板正在运行，文件交给看板的收件箱处理；--mapping/--encoding/--sheet 不适用，"
              "将按映射文件自动匹配。", file=sys.stderr)
    print(f"数据库正被看板占用，文件将交给看板的收件箱（{settings.inbox_dir}）处理并等待结果……", file=sys.stderr)
    outcomes = []
    for path in files:
        try:
            outcome = inbox.hand_over(path, settings, timeout=args.wait)
        except OSError as exc:
            outcome = FileOutcome(path.name, "failed", "", message=f"无法把文件放入收件箱（{exc.strerror or exc}）："
                                                                  "请检查收件箱的空间和权限")
        if outcome is None:
            outcome = FileOutcome(path.name, "waiting", "", message=f"{args.wait:.0f} 秒内未得到结果；文件仍在收件箱中，"
                                                                    "看板会继续处理，结果见数据管理页")
        outcomes.append(outcome)
        _print_outcome(outcome, args.json)
    return outcomes


def _ingest_directly(args, settings: Settings, con, files: list[Path]) -> list:
    from tqdm import tqdm

    from dashboard.core.ingest.loader import FileOutcome, ingest_file

    outcomes = []
    bar = tqdm(files, unit="文件", disable=len(files) < 2 or args.json, file=sys.stderr)
    for path in bar:
        bar.set_description(path.name[:30])
        stage_bar = tqdm(total=100, desc=path.name[:30], unit="%", leave=False, file=sys.stderr,
                         disable=args.json, bar_format="{desc} {percentage:3.0f}%|{bar}| {postfix}")

        def progress(stage: str, fraction: float, bar=stage_bar) -> None:
            bar.set_postfix_str(stage)
            bar.n = int(fraction * 100)
            bar.refresh()

        try:
            outcome = ingest_file(con, path, settings, mapping=args.mapping, encoding=args.encoding,
                                  sheet=args.sheet, progress=progress)
        except Exception as exc:  # the store itself failed: report it, go on with the next file
            outcome = FileOutcome(path.name, "failed", "", message=f"入库失败，数据库未改动，原文件未动：{exc}")
        finally:
            stage_bar.close()
        outcomes.append(outcome)
        _print_outcome(outcome, args.json)
    return outcomes


def _print_outcome(outcome, as_json: bool) -> None:
    if as_json:
        print(json.dumps(outcome.to_dict(), ensure_ascii=False), flush=True)
        return
    print(outcome.summary(), flush=True)
    if outcome.report_path:
        print(f"  报告：{outcome.report_path}", flush=True)


# --- watch -------------------------------------------------------------------

def cmd_watch(args, settings: Settings) -> int:
    from dashboard.core import store
    from dashboard.core.ingest.inbox import InboxWatcher

    try:
        con = store.connect(settings.db_path, memory_limit=settings.ingest_memory_limit)
    except store.StoreBusy as exc:
        raise UsageError("数据库正被其他进程（通常是看板）占用；看板自带收件箱监视，无需另开 watch") from exc
    watcher = InboxWatcher(con, settings, on_outcome=lambda o: print(o.summary(), flush=True))
    print(f"正在监视 {settings.inbox_dir}（Ctrl+C 退出）", file=sys.stderr)
    try:
        if args.once:
            # two scans a settle-period apart: a file must be seen unchanged to be taken
            watcher.scan_once()
            time.sleep(settings.settle_seconds)
            watcher.scan_once()
            return EXIT_OK
        while True:
            watcher.scan_once()
            time.sleep(args.interval)
    finally:
        con.close()


# --- demo --------------------------------------------------------------------

def cmd_demo(args, settings: Settings) -> int:
    if args.items <= 0 or args.days <= 0:
        raise UsageError("--items 和 --days 必须是正整数")
    if args.out and not args.remove:
        return _demo_files(args)
    from dashboard.core import store

    try:
        con = store.connect(settings.db_path)
    except store.StoreBusy as exc:
        raise UsageError("数据库正被看板占用：请先停止看板，或用 --out 生成文件后放入 data/inbox/") from exc
    try:
        if args.remove:
            from dashboard.core.ingest.loader import remove_demo

            print(f"已删除演示数据 {remove_demo(con)} 条 → {settings.db_path}")
            return EXIT_OK
        real = int(store.run_query(con, "admin/store_summary")["real_items"].iat[0])
        if real:
            raise UsageError(f"数据库中已有 {real:,} 条真实数据，不能混入演示数据：请用 --db 指定另一个数据库文件")
        outcomes = load_demo(con, settings, args.items, args.days, args.seed, show_progress=True)
    finally:
        con.close()
    new = sum(o.loaded_new for o in outcomes)
    print(f"演示数据：新增 {new} 条（共 {args.items} 条，{args.days} 天，种子 {args.seed}）→ {settings.db_path}")
    print("演示数据已标记：导入第一个真实文件时会自动删除（也可运行 python -m dashboard demo --remove）。")
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_FAILED


def load_demo(con, settings: Settings, items: int, days: int, seed: int, show_progress: bool = False):
    from tqdm import tqdm

    from dashboard.core.demo.generator import iter_item_batches
    from dashboard.core.ingest.loader import ingest_frame

    batch_size = 100_000
    batches = (items + batch_size - 1) // batch_size
    outcomes = []
    with tqdm(total=items, unit="条", desc="生成并导入演示数据", disable=not show_progress, file=sys.stderr) as bar:
        for k, frame in enumerate(iter_item_batches(items, days=days, seed=seed, batch_size=batch_size), start=1):
            name = f"演示数据（种子 {seed}，{items} 条，{days} 天）第 {k}/{batches} 批"
            outcomes.append(ingest_frame(con, frame, settings, name, demo=True))
            bar.update(len(frame))
    from dashboard.core.analytics.categories import refresh_predictions
    from dashboard.core.analytics.replies import refresh_judgements

    refresh_predictions(con)
    refresh_judgements(con, settings)
    return outcomes


def _demo_files(args) -> int:
    from dashboard.core.demo.generator import iter_item_batches

    out = Path(args.out).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for k, frame in enumerate(iter_item_batches(args.items, days=args.days, seed=args.seed, batch_size=100_000), 1):
        target = out / f"demo_{args.seed}_{k:03d}.{args.format}"
        if args.format == "csv":
            frame.to_csv(target, index=False, encoding="utf-8")
        elif args.format == "parquet":
            frame.to_parquet(target, index=False)
        else:
            frame.to_excel(target, index=False, engine="openpyxl")
        written.append(target)
        print(f"已写出 {target}（{len(frame)} 条）")
    return EXIT_OK


# --- query / check -------------------------------------------------------------

def _parse_param(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise UsageError(f"参数应写作 K=V：{text}")
    key, value = text.split("=", 1)
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    return key.strip(), parsed


def _open_for_reading(settings: Settings):
    from dashboard.core import store

    if not settings.db_path.exists():
        raise UsageError(f"数据库 {settings.db_path} 不存在：请先运行 python -m dashboard demo 或 ingest")
    try:
        return store.connect(settings.db_path, read_only=True)
    except store.StoreBusy as exc:
        raise UsageError("数据库正被看板占用（DuckDB 不允许其他进程同时读取）：请在看板页面查看，或先停止看板") from exc


def cmd_query(args, settings: Settings) -> int:
    from dashboard.core import store

    if args.list or not args.name:
        for name in store.list_queries():
            params = store.query_params(name)
            print(f"{name}  {' '.join('$' + p for p in params)}".rstrip())
        return EXIT_OK
    try:
        store.load_sql(args.name)
    except store.QueryNotFound as exc:
        raise UsageError(exc.args[0]) from exc
    params = _filter_record(args.name, dict(_parse_param(p) for p in args.param))
    con = _open_for_reading(settings)
    import duckdb

    try:
        frame = store.run_query(con, args.name, **params)
    except TypeError as exc:
        raise UsageError(str(exc)) from exc
    except duckdb.Error as exc:  # e.g. a parameter of the wrong type, or a statement that writes
        raise UsageError(f"查询 {args.name} 无法执行：{str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    if args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    else:
        frame.to_csv(sys.stdout, index=False)
    return EXIT_OK


def _filter_record(name: str, params: dict) -> dict:
    """A query over items takes one filter record ($filters); on the command line its fields are given
    one by one (`--param start=2019-05-01 --param 'categories=["城乡建设"]'`) and gathered here."""
    from dashboard.core import store
    from dashboard.core.filters import Filters

    if "filters" not in store.query_params(name):
        return params
    record = Filters().record()
    given = {key: params.pop(key) for key in list(params) if key in record}
    if given:
        record.update(given)
        params["filters"] = {**record, **(params.get("filters") or {})}
    return params


def cmd_check(args, settings: Settings) -> int:
    from dashboard.core import store

    con = _open_for_reading(settings)
    problems = 0
    try:
        for name in store.list_queries():
            if not name.startswith("checks/"):
                continue
            rows = store.run_query(con, name)
            status = "通过" if rows.empty else f"发现 {len(rows)} 行问题"
            print(f"{name}: {status}")
            if not rows.empty:
                problems += 1
                print(rows.head(10).to_string(index=False))
    finally:
        con.close()
    return EXIT_OK if problems == 0 else EXIT_FAILED


# --- derive ------------------------------------------------------------------

def cmd_derive(args, settings: Settings) -> int:
    from dashboard.core import store
    from dashboard.core.analytics.categories import refresh_predictions
    from dashboard.core.analytics.replies import refresh_judgements
    from dashboard.core.text.regions import derive_regions

    if not settings.db_path.exists():
        raise UsageError(f"数据库 {settings.db_path} 不存在：请先运行 python -m dashboard demo 或 ingest")
    try:
        con = store.connect(settings.db_path)
    except store.StoreBusy as exc:
        raise UsageError("数据库正被看板占用：请先停止看板再运行 derive") from exc
    try:
        regions = derive_regions(con, settings.dicts_dir)
        print(f"地区：检查了 {regions.checked:,} 条没有来源地区的条目，{regions.changed:,} 条条目的地区已更新，"
              f"现有 {regions.with_region:,} 条从正文识别出地区。")
        print(refresh_predictions(con, retrain=True).describe())
        judged = refresh_judgements(con, settings, rejudge=True)
        print(f"答复质量：按 data/dicts/reply_rules.toml 重新判断了 {judged:,} 件答复。")
    finally:
        con.close()
    return EXIT_OK


# --- report ------------------------------------------------------------------

def _parse_day(text: str, option: str):
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(f"{option} 日期格式应为 YYYY-MM-DD，收到 {text!r}") from exc


def _parse_month(text: str):
    from datetime import date

    parts = text.strip().split("-")
    try:
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1)
        return _parse_day(text, "--date")
    except ValueError as exc:
        raise UsageError(f"--date 月份格式应为 YYYY-MM 或 YYYY-MM-DD，收到 {text!r}") from exc


def _parse_as_of(text: str):
    """--as-of: a day (its end, i.e. the next midnight) or a time YYYY-MM-DDTHH:MM."""
    from datetime import datetime, timedelta

    text = text.strip()
    try:
        if "T" in text or " " in text:
            return datetime.fromisoformat(text.replace(" ", "T"))
        return datetime.combine(_parse_day(text, "--as-of"), datetime.min.time()) + timedelta(days=1)
    except ValueError as exc:
        raise UsageError(f"--as-of 格式应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM，收到 {text!r}") from exc


def cmd_report(args, settings: Settings) -> int:
    from dashboard.core import store
    from dashboard.core.config import AnalyticsSettings

    analytics = AnalyticsSettings()
    fmt = args.format or next((f for f in ("docx", "csv") if args.output.lower().endswith("." + f)), "md")
    _check_report_options(args, fmt)
    build = {"daily": _daily_report, "special": _special_report, "bulletin": _bulletin_report,
             "replies": _replies_report}[args.kind](args, analytics, settings)   # options read (and refused) first
    if not settings.db_path.exists():
        raise UsageError(f"数据库 {settings.db_path} 不存在：请先运行 python -m dashboard demo 或 ingest")
    try:
        con = store.connect(settings.db_path)      # writable: the digest stores its issue number
    except store.StoreBusy as exc:
        raise UsageError("数据库正被看板占用：请先停止看板再生成报告") from exc
    try:
        report = build(con)
    finally:
        con.close()
    try:
        path = report.save(Path(args.output).expanduser(), fmt)
    except OSError as exc:
        raise UsageError(f"无法写入 {args.output}：{exc}") from exc
    print(f"已写出 {path}（{report.title}{'，' + report.subtitle[0] if report.subtitle else ''}）")
    return EXIT_OK


def _check_report_options(args, fmt: str) -> None:
    """Options that belong to another kind of report are refused, not ignored."""
    if args.as_of and args.kind != "bulletin":
        raise UsageError("--as-of 只用于 bulletin（通报）")
    if fmt == "csv" and args.kind != "replies":
        raise UsageError("--format csv 只用于 replies（答复质量）")
    if args.departments and args.kind not in ("special", "replies"):
        raise UsageError("--department 只用于 special（专报）和 replies（答复质量）")
    if args.kind != "special" and (args.categories or args.channels or args.regions or args.keyword or args.title):
        raise UsageError("--category/--channel/--region/--keyword/--title 只用于 special（专报）")


def _replies_report(args, analytics, settings: Settings):
    from dashboard.core.filters import Filters
    from dashboard.core.reports.replies import replies_report, replies_table

    if args.date:
        raise UsageError("答复质量报告请用 --from/--to 指定时间段（可省略，表示全部时间）")
    filters = Filters(period=_optional_period(args),
                      departments=tuple(args.departments) if args.departments else None)

    csv = (args.format or "").lower() == "csv" or args.output.lower().endswith(".csv")
    return lambda con: (replies_table if csv else replies_report)(con, filters, analytics)


def _daily_report(args, analytics, settings: Settings):
    from datetime import timedelta

    from dashboard.core import reports
    from dashboard.core.analytics import metrics
    from dashboard.core.filters import current_day

    if args.date_from or args.date_to:
        raise UsageError("摘报只针对一个监测日：请用 --date，不要用 --from/--to")
    day = (_parse_day(args.date, "--date") if args.date
           else current_day(metrics.now_local(), analytics.day_start_hour) - timedelta(days=1))
    return lambda con: reports.daily_digest(con, day, analytics, dicts_dir=settings.dicts_dir)


def _special_report(args, analytics, settings: Settings):
    from dashboard.core import reports
    from dashboard.core.filters import Filters

    if args.date:
        raise UsageError("专报请用 --from/--to 指定时间段（可省略，表示全部时间）")
    period = _optional_period(args)

    def listed(values):
        return tuple(values) if values else None
    filters = Filters(period=period, categories=listed(args.categories), channels=listed(args.channels),
                      regions=listed(args.regions), departments=listed(args.departments), keyword=args.keyword)
    return lambda con: reports.special_report(con, filters, title=args.title)


def _optional_period(args):
    """--from/--to as a Period of whole calendar days (either may be left out), or None for all time."""
    from datetime import datetime

    from dashboard.core.filters import Period, days_period

    first = _parse_day(args.date_from, "--from") if args.date_from else None
    last = _parse_day(args.date_to, "--to") if args.date_to else None
    if first and last and last < first:
        raise UsageError("--to 不能早于 --from")
    if not (first or last):
        return None
    return Period(datetime.combine(first, datetime.min.time()) if first else datetime(1900, 1, 1),
                  days_period(last, last, 0).end if last else datetime(2999, 1, 1))


def _bulletin_report(args, analytics, settings: Settings):
    from datetime import timedelta

    from dashboard.core import reports
    from dashboard.core.analytics import metrics
    from dashboard.core.filters import days_period

    if bool(args.date_from) != bool(args.date_to):
        raise UsageError("--from 与 --to 需要同时给出")
    if args.date and args.date_from:
        raise UsageError("--date 与 --from/--to 只能选一种")
    if args.date_from:
        first, last = _parse_day(args.date_from, "--from"), _parse_day(args.date_to, "--to")
        if last < first:
            raise UsageError("--to 不能早于 --from")
        period = days_period(first, last, 0)
    else:
        month = (_parse_month(args.date) if args.date
                 else (metrics.now_local().date().replace(day=1) - timedelta(days=1)))
        period = metrics.month_period(month.year, month.month)
    as_of = _parse_as_of(args.as_of) if args.as_of else None
    return lambda con: reports.bulletin_report(con, period, analytics, as_of=as_of)


# --- sentiment ---------------------------------------------------------------

def cmd_sentiment(args, settings: Settings) -> int:
    import io

    from dashboard.core.text.sentiment import get_lexicon, label_stream
    from dashboard.core.text.tokens import get_tokenizer

    tokenizer = get_tokenizer(settings.dicts_dir)
    get_lexicon(settings.dicts_dir, tokenizer=tokenizer)
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    for label in label_stream((line.rstrip("\n") for line in stdin), tokenizer=tokenizer):
        stdout.write(label + "\n")
    stdout.flush()
    return EXIT_OK


# --- user --------------------------------------------------------------------

def cmd_user(args, settings: Settings) -> int:
    from datetime import datetime

    from dashboard.core import store
    from dashboard.core.access import users

    try:
        con = store.connect(settings.db_path)
    except store.StoreBusy as exc:
        raise UsageError("数据库正被看板占用：请先停止看板（Ctrl+C）再运行本命令，或由管理员在「数据管理」页管理用户") from exc
    try:
        now = datetime.now()
        if args.user_command == "list":
            return _print_users(users.list_users(con))
        if args.user_command == "disable":
            users.set_disabled(con, args.name, now)
            print(f"已停用用户 {args.name}")
            return EXIT_OK
        if args.user_command == "desk":
            users.set_desk(con, args.name, not args.off, now)
            print(f"已{'收回' if args.off else '授予'}用户 {args.name} 的编辑权限")
            return EXIT_OK
        sso_only = args.user_command == "add" and args.sso_subject and not args.password_stdin
        password, generated = (None, False) if sso_only else _new_password(args)
        if args.user_command == "add":
            users.add(con, args.name, args.role, password, now, departments=args.departments, regions=args.regions,
                      sso_subject=args.sso_subject, unit=args.unit, desk=args.desk)
            print(f"已新建用户 {args.name}（{args.role}）"
                  + (f"，统一身份认证主体 {args.sso_subject}" if args.sso_subject else "")
                  + ("，无本地密码（只能通过统一身份认证登录）" if sso_only else ""))
        else:
            users.reset_password(con, args.name, password, now)
            print(f"已重置用户 {args.name} 的密码")
        if generated:
            print(f"一次性密码（只显示这一次，请立即转交并在首次登录后妥善保管）：{password}")
        return EXIT_OK
    except users.AccountError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        con.close()


def _new_password(args) -> tuple[str, bool]:
    """The password from stdin (--password-stdin), or a generated one-time password (True: print it)."""
    from dashboard.core.access.passwords import one_time_password

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("标准输入中没有密码（--password-stdin 读取第一行）")
        return password, False
    return one_time_password(), True


def _print_users(frame) -> int:
    from datetime import datetime

    from dashboard.core.access.users import shown_users

    if frame.empty:
        print("还没有用户。新建管理员：python -m dashboard user add 管理员 --role admin")
        return EXIT_OK
    shown = shown_users(frame, datetime.now())
    for row in shown.itertuples(index=False):
        print("\t".join(str(v) for v in row[:6]))
    return EXIT_OK


# --- serve -------------------------------------------------------------------

def cmd_serve(args, settings: Settings) -> int:
    from dashboard.core import store
    from dashboard.core.ingest.inbox import open_owner

    secrets_file = _sso_secrets(settings)   # before the store: a wrong setting is said at once
    try:
        con = store.connect(settings.db_path)
    except store.StoreBusy as exc:
        raise UsageError(f"数据库 {settings.db_path} 已被另一个看板进程占用：请使用已打开的看板，或先停止它") from exc
    try:
        empty = int(store.run_query(con, "admin/store_summary").iat[0, 0]) == 0
        if empty and not args.no_demo:
            print("数据库为空，正在载入演示数据（导入第一个真实文件时会自动删除）……", file=sys.stderr)
            load_demo(con, settings, args.demo_items, 180, 42, show_progress=True)
        if secrets_file is None:   # local accounts; with single sign-on the provider vouches for people
            _demo_admin(con)
    finally:
        con.close()
    # Pages build their Settings from the environment: point them at this store.
    os.environ["YUQING_DB"] = str(settings.db_path)
    os.environ["YUQING_DATA_DIR"] = str(settings.data_dir)
    # Own the store and watch the inbox from the start, before any page is opened.
    open_owner(Settings())
    # While Streamlit boots and the browser loads its scripts, import what the pages use (about a
    # second on two cores) so the first page does not pay for it.
    threading.Thread(target=_warm_imports, name="warm-imports", daemon=True).start()
    os.chdir(PROJECT_ROOT)  # streamlit reads .streamlit/config.toml from here
    print(f"看板地址：http://localhost:{args.port}", file=sys.stderr)
    _run_streamlit(PROJECT_ROOT / "dashboard" / "streamlit_app.py", args.port, secrets_file)
    return EXIT_OK


def _sso_secrets(settings: Settings) -> Path | None:
    """In oidc mode, the `[auth]` secrets file Streamlit's st.login reads (written into the data folder's
    private/ at every start); None in local mode."""
    from dashboard.core.access import sso
    from dashboard.core.config import AccessSettings, SsoSettings

    mode = AccessSettings().auth_mode
    if mode not in ("local", "oidc"):
        raise UsageError(f"YUQING_AUTH 应为 local 或 oidc（现为 {mode}）")
    if mode != "oidc":
        return None
    try:
        import authlib  # noqa: F401  Streamlit's st.login needs it
    except ImportError as exc:
        raise UsageError("统一身份认证需要 Authlib：请运行 .venv/bin/python -m pip install -r requirements.txt") from exc
    try:
        return sso.write_secrets(settings, SsoSettings())
    except sso.SsoConfigError as exc:
        raise UsageError(str(exc)) from exc


DEMO_ADMIN = "演示管理员"


def _demo_admin(con) -> None:
    """A demo start (a store holding only demo items) without an administrator gets `演示管理员` with a
    one-time password printed here. A store with real items never does: its pages say which command
    creates the first administrator."""
    from datetime import datetime

    from dashboard.core import store
    from dashboard.core.access import users
    from dashboard.core.access.passwords import one_time_password

    summary = store.run_query(con, "admin/store_summary")
    demo_only = int(summary["items"].iat[0]) > 0 and int(summary["real_items"].iat[0]) == 0
    if users.enabled_admins(con) or not demo_only:
        return
    password = one_time_password()
    if users.find(con, DEMO_ADMIN) is None:
        users.add(con, DEMO_ADMIN, "admin", password, datetime.now())
    else:   # disabled earlier: a demo start gives it a new password, not back its old one
        users.set_disabled(con, DEMO_ADMIN, datetime.now(), disabled=False)
        users.reset_password(con, DEMO_ADMIN, password, datetime.now())
    print(f"演示账号：用户名 {DEMO_ADMIN}，一次性密码 {password}（只显示这一次；"
          f"正式使用前请用 python -m dashboard user add 新建自己的账号并停用它）", file=sys.stderr)


def _warm_imports() -> None:
    import importlib

    for module in ("dashboard.ui.cached", "dashboard.ui.filters", "dashboard.ui.widgets", "dashboard.ui.reports",
                   "dashboard.core.display.figures", "dashboard.core.display.drilldown", "dashboard.core.analytics.alerts",
                   "dashboard.core.analytics.topics"):
        try:
            importlib.import_module(module)
        except Exception:  # the page will import it again and show the problem where it belongs
            pass


def _run_streamlit(app: Path, port: int, secrets_file: Path | None = None) -> None:
    """Streamlit's own `streamlit run`, in this process, so the store opened above is shared. With a
    secrets file (oidc mode) Streamlit reads only that one, never a stray .streamlit/secrets.toml."""
    from streamlit import config as streamlit_config
    from streamlit.web import bootstrap

    from dashboard.core.config import AccessSettings

    # Hardening (docs/security.md): XSRF and CORS checks on, uploads capped, no developer menu, and no error
    # details in the browser (the option is global, so it is off for everyone; pages say what went wrong).
    flags = {"server.port": port, "browser.gatherUsageStats": False, "server.enableXsrfProtection": True,
             "server.enableCORS": True, "server.maxUploadSize": AccessSettings().max_upload_mb,
             "client.toolbarMode": "minimal", "client.showErrorDetails": "none"}
    if secrets_file is not None:
        flags["secrets.files"] = [str(secrets_file)]
    streamlit_config._main_script_path = str(app)
    bootstrap.load_config_options(flag_options=flags)
    bootstrap.run(str(app), False, [], flags)
