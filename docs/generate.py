"""Regenerate the parts of docs/cli.md that the code already says: the command reference (from the
CLI's argparse parser, the same source `--help` prints) and the table of environment variables (from
dashboard/core/config.py). The prose around them is written by hand and left as it is.

    .venv/bin/python docs/generate.py           # rewrite docs/cli.md
    .venv/bin/python docs/generate.py --check   # exit 1 when docs/cli.md is out of date (tests do this)

A generated block sits between `<!-- BEGIN GENERATED: KEY … -->` and `<!-- END GENERATED: KEY -->`;
KEY is `commands`, `environment` or `command NAME`, and every command must have its block.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # run as a script from anywhere

from dashboard.cli import build_parser  # noqa: E402
from dashboard.core.config import environment_variables  # noqa: E402

CLI_MD = ROOT / "docs" / "cli.md"
COMMAND = "python docs/generate.py"
BLOCK = re.compile(r"(<!-- BEGIN GENERATED: (?P<key>[^>]+?) \(.*?\) -->\n)(?P<body>.*?)(<!-- END GENERATED: (?P=key) -->)",
                   re.S)
# A fixed width, so the usage lines do not depend on the terminal that regenerates them.
WIDTH = 100


def _subcommands(parser: argparse.ArgumentParser) -> tuple[dict[str, argparse.ArgumentParser], dict[str, str]]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices), {a.dest: a.help for a in action._choices_actions}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _metavar(action: argparse.Action) -> str:
    if action.nargs == 0:
        return ""
    if action.metavar:
        name = action.metavar
    elif action.choices:
        name = "{" + ",".join(map(str, action.choices)) + "}"
    else:
        name = action.dest if not action.option_strings else action.dest.upper()
    return {"+": f"{name} …", "*": f"[{name} …]", "?": f"[{name}]"}.get(action.nargs, name)


def _argument_row(action: argparse.Action) -> str:
    names = ", ".join(action.option_strings) or ""
    written = " ".join(part for part in (names, _metavar(action)) if part)
    required = " (required)" if action.option_strings and action.required else ""
    return f"| `{written}` | {_cell(action.help or '')}{required} |"


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(parser.prog, width=WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups, prefix="")
    return formatter.format_help().strip()


def command_block(parser: argparse.ArgumentParser, summary: str) -> str:
    rows = [_argument_row(a) for a in parser._actions if not isinstance(a, argparse._HelpAction)]
    lines = ["```", _usage(parser), "```", "", _cell(parser.description or summary)]
    if rows:
        lines += ["", "| argument | meaning |", "|---|---|", *rows]
    return "\n".join(lines) + "\n"


def commands_block(parser: argparse.ArgumentParser) -> str:
    _, summaries = _subcommands(parser)
    rows = [f"| [`{name}`](#{name}) | {_cell(summary)} |" for name, summary in summaries.items()]
    return "\n".join(["| command | what it does |", "|---|---|", *rows]) + "\n"


def environment_block() -> str:
    rows = [f"| `{v['env']}` | {v['default']} | {_cell(v['doc'])} |" for v in environment_variables()]
    return "\n".join(["| 变量 | 默认值 | 说明 |", "|---|---|---|", *rows]) + "\n"


def blocks() -> dict[str, str]:
    """What every generated block of docs/cli.md must hold, by key."""
    parser = build_parser()
    parsers, summaries = _subcommands(parser)
    made = {"commands": commands_block(parser), "environment": environment_block()}
    made.update({f"command {name}": command_block(p, summaries[name]) for name, p in parsers.items()})
    return made


def render(text: str) -> str:
    """text with every generated block replaced; a block missing or unknown is an error."""
    wanted = blocks()
    found = [m.group("key") for m in BLOCK.finditer(text)]
    missing, unknown = set(wanted) - set(found), set(found) - set(wanted)
    if missing or unknown:
        raise ValueError(f"docs/cli.md: 缺少生成块 {sorted(missing)}，多余的生成块 {sorted(unknown)}。"
                         f"每个命令需要一对标记：<!-- BEGIN GENERATED: command NAME ({COMMAND}) --> … "
                         "<!-- END GENERATED: command NAME -->")
    return BLOCK.sub(lambda m: m.group(1) + wanted[m.group("key")] + m.group(4), text)


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    current = CLI_MD.read_text(encoding="utf-8")
    fresh = render(current)
    if check:
        if fresh != current:
            print(f"docs/cli.md 已过期：请运行 .venv/bin/{COMMAND} 重新生成", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        CLI_MD.write_text(fresh, encoding="utf-8")
        print("已更新 docs/cli.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
