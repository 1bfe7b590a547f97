"""Reply substance (答复质量) on the real 附件4 replies: how many are judged, flagged and why, with examples.

    .venv/bin/python bench/reply_quality.py [--real ../shared/data/real] [--examples 10]

Not a test (the file is not ours to commit). Ingests 附件4 into a temporary store as a user would (the
judgements are made at ingest), then prints: replies judged, acknowledgement-only, templates, off-point,
no action, substantive; flagged by reply length (long specific replies should rarely be flagged); the
judging time; and `--examples` replies of each kind (flagged acknowledgement/template, flagged other,
substantive) with their reasons.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.core import store  # noqa: E402
from dashboard.core.analytics import replies  # noqa: E402
from dashboard.core.config import settings_for  # noqa: E402
from dashboard.core.filters import Filters  # noqa: E402
from dashboard.core.ingest.loader import ingest_file  # noqa: E402

FILE = "tipdm2020c_attach4_messages_with_replies.xlsx"
LENGTH_BANDS = [(0, 60), (60, 150), (150, 300), (300, 10**9)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "real"))
    parser.add_argument("--examples", type=int, default=10)
    args = parser.parse_args()
    settings = settings_for(Path(tempfile.mkdtemp(prefix="yuqing-replies-")) / "data")
    con = store.connect(settings.db_path)
    outcome = ingest_file(con, Path(args.real) / FILE, settings)
    print(f"{FILE}：{outcome.status}，新增 {outcome.loaded_new:,} 条")
    started = time.perf_counter()
    judged_now = replies.refresh_judgements(con, settings, rejudge=True)
    seconds = time.perf_counter() - started
    judged = replies.judged_replies(con, Filters())
    print(f"判断 {judged_now:,} 件答复，用时 {seconds:.1f} 秒（{judged_now / seconds:,.0f} 件/秒）")
    _summary(judged)
    _examples(judged, args.examples)


def _summary(judged) -> None:
    total = len(judged)
    flagged = judged[~judged["substantive"]]
    print(f"实质性 {total - len(flagged):,} / {total:,}；需改进 {len(flagged):,}（{len(flagged) / total:.1%}）")
    for label, mask in (("仅收悉/转办", judged["ack_only"]), ("模板（≥3 件相同）", judged["template_items"] >= 3),
                        ("未回应所提问题", judged["reasons"].str.contains("未回应所提问题")),
                        ("未说明办理措施", judged["reasons"].str.contains("未说明办理措施"))):
        print(f"  {label}: {int(mask.sum()):,}")
    for low, high in LENGTH_BANDS:
        band = judged[(judged["reply_chars"] >= low) & (judged["reply_chars"] < high)]
        share = (~band["substantive"]).mean() if len(band) else 0
        print(f"  答复 {low}–{high if high < 10**9 else '∞'} 字：{len(band):,} 件，标记 {share:.1%}")


def _examples(judged, n: int) -> None:
    kinds = (("标记：仅收悉/转办或模板", judged[~judged["substantive"] & judged["boilerplate"]]),
             ("标记：其他原因", judged[~judged["substantive"] & ~judged["boilerplate"]]),
             ("实质性答复", judged[judged["substantive"]]))
    for label, rows in kinds:
        print(f"\n== {label}（{len(rows):,} 件，示例 {min(n, len(rows))} 件）")
        for r in rows.sample(min(n, len(rows)), random_state=7).itertuples(index=False):
            print(f"- [{r.reasons or '—'}] 《{r.title}》 答复 {r.reply_chars} 字：{r.reply_content[:90]}…")


if __name__ == "__main__":
    main()
