"""Reports: the responsiveness bulletin (golden Markdown + DOCX) and the daily digest 《舆情摘报》."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from dashboard.cli import main
from dashboard.core import reports
from dashboard.core.filters import day_period
from tests.test_metrics import (
    FEB,
    HONOUR,
    REMINDED,
    RULES,
    bulletin_rows,
    load,
    make_item,
)

GOLDEN = Path(__file__).parent / "golden"
DIGEST_NOW = datetime(2024, 3, 10, 12, 0)


@pytest.fixture
def bulletin_store(con, settings):
    load(con, settings, bulletin_rows(), "bulletin")
    return con


def test_bulletin_markdown_matches_golden(bulletin_store):
    text = reports.bulletin_report(bulletin_store, FEB, RULES).markdown(image_stem="bulletin")
    assert text == (GOLDEN / "bulletin.md").read_text(encoding="utf-8")


def test_bulletin_sentence_has_the_domain_figures_in_order(bulletin_store):
    report = reports.bulletin_report(bulletin_store, FEB, RULES)
    overall = next(p for p in report.paragraphs() if "共受理" in p)
    numbers = [int(n) for n in re.findall(r"(\d+) 件", overall)]
    assert numbers == [540, 336, 205, 131, 195, 185]
    assert "2024年2月1日至2月29日" in overall
    assert "平均答复率为 95%，平均满意率为 90%（平均值为合计比率" in overall
    honour = next(p for p in report.paragraphs() if "100%" in p and "表扬" in p)
    assert "共 22 个" in honour and all(name in honour for name in HONOUR)
    reminder = next(p for p in report.paragraphs() if "予以提醒" in p)
    assert "均低于 90% 的单位共 4 个" in reminder and all(name in reminder for name in REMINDED)


def test_bulletin_states_mean_mode(bulletin_store):
    from dataclasses import replace

    text = reports.bulletin_report(bulletin_store, FEB, replace(RULES, average_mode="mean")).markdown()
    assert "平均值为各部门比率的算术平均" in text


def test_bulletin_is_deterministic_and_caps_overdue(bulletin_store):
    a = reports.bulletin_report(bulletin_store, FEB, RULES).markdown()
    assert a == reports.bulletin_report(bulletin_store, FEB, RULES).markdown()
    capped = reports.bulletin_report(bulletin_store, FEB, RULES, overdue_cap=1).markdown()
    total = int(re.search(r"合计 (\d+) 件", capped).group(1))
    assert total > 1 and f"另有 {total - 1} 件超期留言未列出。" in capped


def test_bulletin_docx_round_trip(bulletin_store, tmp_path):
    path = reports.bulletin_report(bulletin_store, FEB, RULES).save(tmp_path / "b.docx")
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "网民留言办理情况通报"
    assert any("共受理网民留言 540 件，其中有效留言 336 件" in t for t in texts)
    assert any(t.startswith("一、总体情况") for t in texts)
    honour = next(t for t in texts if "予以通报表扬" in t)
    assert all(name in honour for name in HONOUR)
    assert len(doc.tables) >= 4
    reminded = {row.cells[0].text for row in doc.tables[1].rows[1:]}
    assert reminded == set(REMINDED)
    assert doc.tables[0].style.name == "Table Grid"
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"


# ------------------------------------------------------------------------------------------ digest
def _day_items(day: date, n: int, prefix: str) -> list[dict]:
    start = day_period(day, 8).start
    return [make_item(f"{prefix}{k:03d}", start + timedelta(minutes=30 + 20 * k), "市城管局", "市直",
                      title=f"幸福小区门口垃圾堆放无人清理{k}",
                      content=f"幸福小区门口垃圾堆放好几天无人清理，臭味很大，请城管局尽快处理。第{k}次反映。")
            for k in range(n)]


@pytest.fixture
def digest_store(con, settings):
    load(con, settings, _day_items(date(2024, 3, 1), 6, "D") + _day_items(date(2024, 3, 2), 4, "E"), "digest")
    return con


def test_digest_numbering_persists_and_never_repeats(digest_store):
    first = reports.daily_digest(digest_store, date(2024, 3, 1), RULES, now=DIGEST_NOW)
    second = reports.daily_digest(digest_store, date(2024, 3, 2), RULES, now=DIGEST_NOW)
    again = reports.daily_digest(digest_store, date(2024, 3, 1), RULES, now=DIGEST_NOW)
    assert (first.subtitle[0], second.subtitle[0], again.subtitle[0]) == ("第 1 期", "第 2 期", "第 1 期")
    assert first.markdown() == again.markdown()
    assert "监测时段：2024年3月1日 08:00 至 2024年3月2日 08:00" in first.markdown()
    assert "本期共监测到信息 6 条（诉求 6 件、网络舆情 0 条）" in first.markdown()
    assert "本期共监测到信息 4 条（诉求 4 件、网络舆情 0 条），较上期减少 2 条（环比下降 33.3%）" in second.markdown()
    rows = digest_store.execute("select kind, number from report_issues order by number").fetchall()
    assert rows == [("daily_digest", 1), ("daily_digest", 2)]


def test_digest_empty_day(digest_store):
    text = reports.daily_digest(digest_store, date(2024, 2, 1), RULES, now=DIGEST_NOW).markdown()
    assert "本期无重要舆情。" in text and "本期共监测到信息 0 条" in text


def test_digest_topic_and_cap(digest_store):
    report = reports.daily_digest(digest_store, date(2024, 3, 1), RULES, now=DIGEST_NOW, topic_cap=0)
    text = report.markdown()
    assert re.search(r"另有 \d+ 个规模较小的话题未列出。", text)
    full = reports.daily_digest(digest_store, date(2024, 3, 1), RULES, now=DIGEST_NOW).markdown()
    assert "三、热点话题" in full and "网民原话：“" in full and "本期相关信息 6 条" in full


def test_digest_alert_cap(con, settings):
    # four watch-word items, each a different watch word → several alerts; cap 1 → "另有 N 条"
    day = date(2024, 3, 5)
    start = day_period(day, 8).start
    words = ["火灾", "跳楼", "集体上访", "欠薪"]
    load(con, settings, [make_item(f"W{k}", start + timedelta(hours=1 + k), title=f"关于{w}的反映",
                                   content=f"这里发生了{w}，大家很担心。") for k, w in enumerate(words)])
    report = reports.daily_digest(con, day, RULES, now=DIGEST_NOW, alert_cap=1)
    text = report.markdown()
    shown = re.search(r"本期共有预警 (\d+) 条", text)
    assert shown, text
    total = int(shown.group(1))
    assert total >= 2, text
    assert f"另有 {total - 1} 条预警（严重程度较低）未列出。" in text


def test_digest_docx_and_no_authors(digest_store):
    digest_store.execute("update items set author = '张三丰'")
    report = reports.daily_digest(digest_store, date(2024, 3, 1), RULES, now=DIGEST_NOW)
    assert "张三丰" not in report.markdown()
    doc = Document(io.BytesIO(report.docx_bytes()))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "舆情摘报" and "第 1 期" in texts
    assert doc.core_properties.created.replace(tzinfo=None) == DIGEST_NOW


# --------------------------------------------------------------------------------------------- CLI
def test_cli_bulletin_markdown(bulletin_store, settings, tmp_path, capsys):
    bulletin_store.close()
    out = tmp_path / "x.md"
    code = main(["report", "bulletin", "--db", str(settings.db_path), "--from", "2024-02-01", "--to", "2024-02-29",
                 "-o", str(out)])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 网民留言办理情况通报") and "共受理网民留言 540 件" in text


def test_cli_daily_docx(digest_store, settings, tmp_path):
    digest_store.close()
    out = tmp_path / "d.docx"
    assert main(["report", "daily", "--db", str(settings.db_path), "--date", "2024-03-01", "-o", str(out)]) == 0
    assert Document(str(out)).paragraphs[0].text == "舆情摘报"


@pytest.mark.parametrize("argv", [
    ["report", "bulletin", "--from", "2024-02-30", "--to", "2024-03-01"],
    ["report", "bulletin", "--from", "2024-02-01"],
    ["report", "daily", "--date", "昨天"],
    ["report", "daily", "--from", "2024-02-01", "--to", "2024-02-02"],
])
def test_cli_usage_errors(settings, tmp_path, argv, capsys):
    code = main(argv + ["--db", str(settings.db_path), "-o", str(tmp_path / "x.md")])
    assert code == 2
    assert "错误" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ special
from dashboard.core.filters import Filters, Period  # noqa: E402

SPECIAL = Period(datetime(2024, 4, 1), datetime(2024, 4, 4))


def _special_rows() -> list[dict]:
    base = datetime(2024, 4, 1, 9)
    rows = []
    for k in range(7):
        published = base + timedelta(days=k % 3, hours=k)
        rows.append(make_item(
            f"S{k:02d}", published, "市城管局" if k < 5 else "市水务局", "市直",
            replied=published + timedelta(days=2) if k in (0, 1, 5) else None,
            sentiment="负面" if k < 4 else "中性", channel="留言板" if k % 2 == 0 else "微博",
            region="A区" if k < 6 else "B区", title=f"幸福路积水{k}",
            content=f"幸福路一下雨就积水，出行很不方便，请尽快处理。联系电话13800138000。第{k}条"))
    rows.append(make_item("OTHER", base, "市教育局", "市直", category="教育", title="学校", content="别的事情"))
    return rows


@pytest.fixture
def special_store(con, settings):
    load(con, settings, _special_rows(), "special")
    con.execute("update items set author = '李四光'")
    return con


def test_special_report_figures(special_store):
    f = Filters(period=SPECIAL, categories=("城乡建设",))
    report = reports.special_report(special_store, f)
    text = report.markdown()
    assert report.title == "舆情专报"
    assert "所选范围内共有信息 7 条（诉求 4 件、网络舆情 3 条）" in text      # the 微博 posts are web opinion
    assert "首条发布于 2024年4月1日 09:00" in text
    assert ("其中诉求 4 件（有效 4 件）；答复率 = 已答复 1 ÷ 有效件 4 = 25.0%（有效件不足 5 件，仅供参考）"
            "（与办理情况通报口径一致），答复用时中位数 2.0 天。") in text
    assert "市城管局（5 条）、市水务局（2 条）" in text and "A区（6 条）、B区（1 条）" in text
    assert "| 2024-04-01 | 3 | 2 | 1 |" in text and "| 2024-04-02 | 2 | 1 | 1 |" in text
    assert "| 2024-04-03 | 2 | 1 | 1 |" in text and "（图1　每日信息量及情感倾向：图片见 Word 版本）" in text
    assert "| 负面 | 4 | 57.1% |" in text and "| 中性 | 3 | 42.9% |" in text
    assert "| 市城管局 | 3 | 3 | 1 | 33.3%\\* | 2.0 |" in text and "| 市水务局 | 1 | 1 | 0 | 0.0%\\* | — |" in text
    assert "网民原话：“" in text
    assert "13800138000" not in text and "李四光" not in text and "OTHER" not in text
    assert text == reports.special_report(special_store, f).markdown()


def test_special_report_appendix_cap_and_docx(special_store):
    f = Filters(period=SPECIAL, categories=("城乡建设",))
    report = reports.special_report(special_store, f, title="关于幸福路积水的专报", appendix_cap=2)
    text = report.markdown()
    assert "共 7 条，按发布时间先后列出前 2 条：" in text
    assert "另有 5 条信息未列出。" in text
    assert "| S00 |" in text and "| S06 |" not in text
    doc = Document(io.BytesIO(report.docx_bytes()))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "关于幸福路积水的专报"
    assert any("所选范围内共有信息 7 条" in t for t in texts)
    assert len(doc.tables[-1].rows) == 3
    assert len(doc.inline_shapes) == 1 and "图1　每日信息量及情感倾向" in texts


def test_special_report_topic_and_empty(special_store):
    from dashboard.core.analytics import topics

    f = Filters(period=SPECIAL)
    hot = topics.hot_topics(special_store, f)
    assert hot
    report = reports.special_report(special_store, f, topic=hot[0])
    assert report.title.startswith("关于“") and f"所选范围内共有信息 {hot[0].size} 条" in report.markdown()
    assert report.title == "关于“幸福路积水”的舆情专报"            # a headline from the titles, not a term bag


def test_special_report_lists_the_top_topics_of_its_selection(special_store):
    text = reports.special_report(special_store, Filters(period=SPECIAL)).markdown()
    section = text[text.index("五、主要话题"):]
    assert "| 话题 | 关键词 | 信息 | 人数 | 点赞 | 首条 | 最新 |" in section
    assert "| 幸福路积水 |" in section and "| 2024-04-01 | 2024-04-03 |" in section
    quiet = reports.special_report(special_store, Filters(period=SPECIAL, categories=("教育",))).markdown()
    assert "所选范围内没有形成话题" in quiet
    empty = reports.special_report(special_store, Filters(period=SPECIAL, keyword="不存在的词"))
    assert "所选范围内没有舆情信息。" in empty.markdown()


def test_file_name():
    r = reports.Report("daily_digest", "舆情摘报", ["第 3 期"])
    assert reports.file_name(r, date(2026, 11, 10)) == "舆情摘报_第3期_2026-11-10.docx"


def test_cli_special(special_store, settings, tmp_path):
    special_store.close()
    out = tmp_path / "s.md"
    assert main(["report", "special", "--db", str(settings.db_path), "--from", "2024-04-01", "--to", "2024-04-03",
                 "--category", "城乡建设", "--department", "市城管局", "--department", "市水务局", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 舆情专报") and "所选范围内共有信息 7 条" in text
    docx = tmp_path / "s.docx"
    assert main(["report", "special", "--db", str(settings.db_path), "--keyword", "积水", "--title", "积水专报",
                 "-o", str(docx)]) == 0
    assert Document(str(docx)).paragraphs[0].text == "积水专报"
    assert main(["report", "daily", "--db", str(settings.db_path), "--category", "教育", "-o", str(out)]) == 2


# ------------------------------------------------------------------ scope, cut-off, charts in files
def test_bulletin_counts_every_request_and_never_web_opinion(bulletin_store):
    from dashboard.core.analytics import metrics

    every = {g.group: g for g in metrics.group_summary(bulletin_store, Filters(period=FEB), RULES)}
    assert every["合计"].received == 540 and every["未标注"].received == 150      # the 部门 page: the same
    text = reports.bulletin_report(bulletin_store, FEB, RULES).markdown()
    assert "本栏目共受理网民留言 540 件，其中有效留言 336 件" in text
    assert "| 合计 | 38 | 540 | 336 |" in text and "| 未标注 | 0 | 150 | 0 |" in text
    assert "网帖" not in text                                       # web opinion is never a request


def test_bulletin_counts_a_reply_after_the_period_known_by_the_data_cut_off(bulletin_store):
    # A1区's reply of 3 March 10:00 is the newest moment in the store: the bulletin counts it.
    report = reports.bulletin_report(bulletin_store, FEB, RULES)
    text = report.markdown()
    assert "答复情况统计截至：2024年3月3日 10:00" in report.subtitle
    assert "各县市区已答复 125 件" in text and "| 1 | A1区人民政府 | 19 | 19 | 100.0% | 18 | 94.7% |" in text
    assert "数据最后更新时间" in text
    # the same data gives the same document, whenever it is run; an explicit as_of still wins
    assert text == reports.bulletin_report(bulletin_store, FEB, RULES).markdown()
    at_end = reports.bulletin_report(bulletin_store, FEB, RULES, as_of=datetime(2024, 3, 1)).markdown()
    assert "各县市区已答复 124 件" in at_end and "答复情况统计截至：2024年3月1日 00:00" in at_end


def test_empty_bulletin_says_so(con, settings):
    load(con, settings, [make_item("W1", datetime(2024, 2, 3, 9), None, None, channel="微博")])
    text = reports.bulletin_report(con, FEB, RULES).markdown()
    assert "2024年2月1日至2月29日，没有收到诉求件，本期不作通报。" in text     # a web post is no request
    assert "二、通报表扬" not in text


def test_special_reply_rate_is_the_bulletins_over_the_requests(special_store, settings):
    extra = [make_item("NODEPT", datetime(2024, 4, 2, 10), None, None, replied=datetime(2024, 4, 2, 12),
                       title="幸福路积水网帖"),
             make_item("INVALID", datetime(2024, 4, 2, 11), "市城管局", "市直", valid=False, title="幸福路积水重复件")]
    load(special_store, settings, extra, "extra")
    text = reports.special_report(special_store, Filters(period=SPECIAL, categories=("城乡建设",))).markdown()
    assert "所选范围内共有信息 9 条（诉求 6 件、网络舆情 3 条）" in text
    assert "其中诉求 6 件（有效 5 件）；答复率 = 已答复 2 ÷ 有效件 5 = 40.0%（与办理情况通报口径一致）" in text
    assert "| 市城管局 | 4 | 3 | 1 | 33.3%\\* | 2.0 |" in text and "| 未标注 | 1 | 1 | 1 | 100.0%\\* | 0.1 |" in text
    # the same figure as the bulletin's query gives for these items
    from dashboard.core.analytics import metrics
    ids = special_store.execute("select id from items where category = '城乡建设'").fetchall()
    total = metrics.group_summary(special_store, Filters(period=SPECIAL, item_ids=tuple(i for (i,) in ids)), RULES)[-1]
    assert (total.reply.numerator, total.reply.denominator) == (2, 5)


def test_special_report_counts_by_month_over_a_long_span(con, settings):
    rows = [make_item(f"M{k}", datetime(2024, 1 + k, 10, 9), "市城管局", "市直") for k in range(4)]
    load(con, settings, rows)
    text = reports.special_report(con, Filters(keyword="路灯")).markdown()
    assert "## 二、每月信息量" in text and "| 2024-03 | 1 |" in text and "按月统计" in text
    load(con, settings, [make_item("Y1", datetime(2019, 5, 1, 9), "市城管局", "市直")], "older")
    text = reports.special_report(con, Filters(keyword="路灯")).markdown()
    assert "## 二、每年信息量" in text and "| 2019 | 1 |" in text and "| 2024 | 4 |" in text


def test_docx_embeds_the_charts_and_keeps_the_tables(bulletin_store):
    bulletin = reports.bulletin_report(bulletin_store, FEB, RULES)
    doc = Document(io.BytesIO(bulletin.docx_bytes()))
    assert len(doc.inline_shapes) == 1 == len(bulletin.charts())
    assert 14.9 < doc.inline_shapes[0].width.cm < 15.1
    texts = [p.text for p in doc.paragraphs]
    assert "图1　各单位答复率" in texts
    assert [c.text for c in doc.tables[0].rows[0].cells] == ["类别", "单位数", "受理", "有效", "已答复", "答复率", "满意", "满意率"]
    assert [c.text for c in doc.tables[0].rows[-1].cells][:4] == ["合计", "38", "540", "336"]
    assert {row.cells[0].text for row in doc.tables[1].rows[1:]} == set(REMINDED)


def test_markdown_save_writes_the_chart_images_beside_it(bulletin_store, tmp_path):
    report = reports.bulletin_report(bulletin_store, FEB, RULES)
    path = report.save(tmp_path / "通报.md")
    text = path.read_text(encoding="utf-8")
    assert "![图1　各单位答复率](通报_chart1.png)" in text
    image = tmp_path / "通报_chart1.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "图片见 Word 版本" in report.markdown()            # the text-only download names the chart


def test_digest_has_the_week_volume_chart(digest_store):
    report = reports.daily_digest(digest_store, date(2024, 3, 2), RULES, now=DIGEST_NOW)
    chart = report.charts()[0]
    assert chart.title == "近 7 个监测日信息量" and chart.categories[-2:] == ("3月1日", "3月2日")
    totals = [a + b for a, b in zip(*(values for _, values in chart.series))]
    assert totals[-2:] == [6, 4]
    assert len(Document(io.BytesIO(report.docx_bytes())).inline_shapes) == 1


def test_cli_bulletin_as_of(bulletin_store, settings, tmp_path):
    bulletin_store.close()
    out = tmp_path / "b.md"
    assert main(["report", "bulletin", "--db", str(settings.db_path), "--date", "2024-02", "--as-of", "2024-02-29",
                 "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "答复情况统计截至：2024年3月1日 00:00" in text and "各县市区已答复 124 件" in text
    assert (tmp_path / "b_chart1.png").exists()
    assert main(["report", "daily", "--db", str(settings.db_path), "--as-of", "2024-02-29", "-o", str(out)]) == 2
