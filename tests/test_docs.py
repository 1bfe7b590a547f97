"""docs/cli.md says what the code does: its generated parts are current, every command has its
section, and the table of environment variables is every YUQING_* the product reads, each of which
really changes its setting."""
from __future__ import annotations

import importlib.util
import re
from dataclasses import fields
from pathlib import Path

import pytest

from dashboard.cli import build_parser
from dashboard.core import config

ROOT = Path(__file__).resolve().parents[1]
CLI_MD = ROOT / "docs" / "cli.md"


def _generator():
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_md_is_generated_from_the_current_code():
    current = CLI_MD.read_text(encoding="utf-8")
    assert _generator().render(current) == current, \
        "docs/cli.md 已过期：请运行 .venv/bin/python docs/generate.py 重新生成，并提交结果"


def test_every_command_has_a_reference_and_a_section():
    text = CLI_MD.read_text(encoding="utf-8")
    commands = set(_generator()._subcommands(build_parser())[0])
    assert {"sentiment", "derive"} <= commands
    for name in commands:
        assert f"<!-- BEGIN GENERATED: command {name} " in text and f"\n## {name}\n" in text, name


def test_a_missing_block_is_an_error_not_a_shorter_document():
    text = CLI_MD.read_text(encoding="utf-8")
    without = re.sub(r"<!-- BEGIN GENERATED: command sentiment .*?<!-- END GENERATED: command sentiment -->", "",
                     text, flags=re.S)
    with pytest.raises(ValueError, match="command sentiment"):
        _generator().render(without)


def test_the_table_lists_every_variable_the_product_mentions():
    documented = {v["env"] for v in config.environment_variables()}
    mentioned = {name for path in (ROOT / "dashboard").rglob("*.py")
                 for name in re.findall(r"YUQING_[A-Z0-9_]+", path.read_text(encoding="utf-8"))}
    assert mentioned == documented
    table = CLI_MD.read_text(encoding="utf-8").split("## Environment · 环境变量", 1)[1]
    assert all(f"| `{name}` |" in table for name in documented)
    assert all(v["doc"] for v in config.environment_variables())


def test_the_help_points_to_the_table():
    epilog = build_parser().epilog
    assert "docs/cli.md" in epilog and "Environment · 环境变量" in epilog


SAMPLE = {"int": ("7", 7), "float": ("0.25", 0.25), "str": ("mean", "mean"),
          "tuple[str, ...]": ("甲, 乙", ("甲", "乙")), "tuple[int, ...]": ("4, 3,2", (4, 3, 2))}


DOCUMENTED = [(cls, f) for cls in (config.Settings, config.Limits, config.AnalyticsSettings)
              for f in fields(cls) if "env" in f.metadata]


@pytest.mark.parametrize("cls, field", DOCUMENTED, ids=[f.metadata["env"] for _, f in DOCUMENTED])
def test_each_documented_variable_sets_its_field(cls, field, monkeypatch, tmp_path):
    """The table cannot name a variable that the field does not read."""
    raw, expected = SAMPLE.get(field.type, (str(tmp_path), tmp_path.resolve()))
    monkeypatch.setenv(field.metadata["env"], raw)
    assert getattr(cls(), field.name) == expected
