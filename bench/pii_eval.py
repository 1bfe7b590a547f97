"""Recall and precision of personal-data masking per format, and its speed.

    .venv/bin/python bench/pii_eval.py [--per-group 500] [--seed 11] [--baseline OLD_PII.py] [--errors N]

Not a test. The sentences come from tests/pii_cases.py: for every format people write a phone or ID
number or e-mail address in, `--per-group` sentences holding one such value, and as many holding one
look-alike (order and tracking numbers, amounts, dates, bank cards, 11-digit numbers outside the mobile
ranges, ID-like runs with a wrong check character …), in ordinary complaint wording.

Figures (printed as a Markdown table):
- recall per valid format: share of values detected as their kind, a match covering all of it (a +86
  prefix may be left out);
- left alone per look-alike class: share of look-alikes no match touches;
- precision: share of all matches (in every sentence) that are planted personal data;
- speed: `mask_text` over 20,000 demo items (title + content, as ingest masks them: few hold personal
  data), over the sentences holding personal data and over those holding a look-alike, in texts per
  second, best of `--rounds` with the baseline and the current code taking turns (the machine's load
  varies: compare the two columns of one run, not figures of different runs).

`--baseline FILE` loads another pii.py (e.g. `git show main:dashboard/core/pii.py > /tmp/pii_main.py`)
and prints its figures beside the current ones. `--errors N` lists N misses / false matches per group.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.core.text import pii  # noqa: E402
from tests import pii_cases  # noqa: E402


def load_module(path: str):
    spec = importlib.util.spec_from_file_location("pii_baseline", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def speeds(masks: dict[str, object], texts: list[str], rounds: int) -> dict[str, float]:
    """Texts per second of each masking function, best of `rounds`, the functions taking turns (so a
    busy moment of the machine does not fall on one of them only)."""
    best = {name: float("inf") for name in masks}
    for _ in range(rounds):
        for name, mask in masks.items():
            started = time.perf_counter()
            for text in texts:
                mask(text)
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: len(texts) / seconds for name, seconds in best.items()}


def demo_texts(n: int = 20_000) -> list[str]:
    from dashboard.core.demo.generator import generate_items

    frame = generate_items(n, days=30, seed=5)
    return [t for pair in zip(frame["title"].tolist(), frame["content"].tolist()) for t in pair if t]


def table(runs: dict[str, dict], order: list[str]) -> list[str]:
    names = list(runs)
    head = "| 格式 / 类别 | 条数 | " + " | ".join(f"{n}" for n in names) + " |"
    lines = [head, "|" + "---|" * (2 + len(names))]
    for kind_label, valid in (("召回率（应打码）", True), ("未误打码比例（形似号码）", False)):
        lines.append(f"| **{kind_label}** | | " + " | ".join("" for _ in names) + " |")
        for group in order:
            scores = [runs[n]["scores"][group] for n in names]
            if (scores[0].kind is not None) != valid:
                continue
            lines.append(f"| {group} | {scores[0].total} | " + " | ".join(f"{s.rate:.1%}" for s in scores) + " |")
    for label, key, fmt in (("精确率（全部命中中真为个人信息的比例）", "precision", "{:.2%}"),
                            ("最低召回率", "min_recall", "{:.1%}"), ("最低未误打码比例", "min_left", "{:.1%}"),
                            *((label, key, "{:,.0f}") for key, label in SPEED_CORPORA)):
        lines.append(f"| {label} | | " + " | ".join(fmt.format(runs[n][key]) for n in names) + " |")
    return lines


def evaluate(module, all_cases) -> dict:
    scores = pii_cases.score(all_cases, module.find_pii)
    valid = [s for s in scores.values() if s.kind is not None]
    looks = [s for s in scores.values() if s.kind is None]
    return {"scores": scores, "precision": pii_cases.precision(scores),
            "min_recall": min(s.rate for s in valid), "min_left": min(s.rate for s in looks)}


SPEED_CORPORA = (("demo_speed", "速度：演示条目（条/秒）"), ("valid_speed", "速度：含个人信息的句子（条/秒）"),
                 ("look_alike_speed", "速度：含形似号码的句子（条/秒）"))


def add_speeds(runs: dict[str, dict], modules: dict[str, object], all_cases, demo, rounds: int) -> None:
    corpora = {"demo_speed": demo, "valid_speed": [c.text for c in all_cases if c.kind],
               "look_alike_speed": [c.text for c in all_cases if not c.kind]}
    for key, texts in corpora.items():
        for name, value in speeds({n: m.mask_text for n, m in modules.items()}, texts, rounds).items():
            runs[name][key] = value


def show_errors(module, all_cases, n: int) -> None:
    shown: dict[str, int] = {}
    for case in all_cases:
        matches = module.find_pii(case.text)
        wrong = (not pii_cases.found(case, matches)) if case.kind else any(
            m.start < case.end and case.start < m.end for m in matches)
        if wrong and shown.get(case.group, 0) < n:
            shown[case.group] = shown.get(case.group, 0) + 1
            print(f"{case.group}: {case.text!r} -> {[(m.kind, m.value) for m in matches]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-group", type=int, default=500)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--baseline", help="another pii.py to compare with (e.g. main's)")
    parser.add_argument("--errors", type=int, default=0, help="list this many errors per group")
    parser.add_argument("--rounds", type=int, default=15, help="timing rounds (best of)")
    args = parser.parse_args()

    all_cases = pii_cases.cases(args.seed, args.per_group)
    demo = demo_texts()
    modules = {"基线": load_module(args.baseline)} if args.baseline else {}
    modules["当前"] = pii
    runs = {name: evaluate(module, all_cases) for name, module in modules.items()}
    add_speeds(runs, modules, all_cases, demo, args.rounds)
    order = list(dict.fromkeys(c.group for c in all_cases))
    print(f"{len(all_cases):,} 个句子（每类 {args.per_group} 个，种子 {args.seed}）；演示条目文本 {len(demo):,} 段\n")
    print("\n".join(table(runs, order)))
    if args.errors:
        print()
        show_errors(pii, all_cases, args.errors)


if __name__ == "__main__":
    main()
