"""Tests for dashboard.core.text.sentiment: lexicon scoring, negation, degree, questions, CLI stream."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from dashboard.core.config import PROJECT_ROOT
from dashboard.core.text import sentiment as sent
from dashboard.core.text.sentiment import (
    LABELS,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    Lexicon,
    clear_lexicon_cache,
    explain,
    get_lexicon,
    label_stream,
    score_text,
    score_texts,
    score_tokens,
    score_value,
)
from dashboard.core.text.tokens import Tokenizer, get_tokenizer

DICTS = PROJECT_ROOT / "data" / "dicts"


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return get_tokenizer(DICTS)


POSITIVE_TEXTS = [
    "物流很快，质量很好，非常满意！",
    "服务态度热情周到，房间干净整洁，下次还来。",
    "这本书写得很精彩，值得一读。",
    "感谢社区工作人员及时处理，为你们点赞！",
    "非常感谢王医生耐心细致的治疗，真心感谢！",
    "价格实惠，物美价廉，推荐购买。",
]

NEGATIVE_TEXTS = [
    "质量太差了，用了两天就坏了，非常失望。",
    "客服态度恶劣，退货一直拖延，再也不买了！",
    "小区附近工地夜间施工噪音扰民，严重影响居民休息。",
    "物业乱收费，多次投诉至今没有解决。",
    "开发商拖欠工资，相关部门推诿不作为。",
    "垃圾！！！",
    "房间有霉味，隔音差，一晚上睡不好。",
]

NEUTRAL_TEXTS = [
    "请问公积金贷款需要准备哪些材料？",
    "咨询一下小孩入学需要办理什么手续。",
    "能否在东三路增设一个公交站？",
    "2019年4月25日，A市A5区。",
    "今天收到了快递。",
]


@pytest.mark.parametrize("text", POSITIVE_TEXTS)
def test_clear_positives(text, tok):
    assert score_text(text, tok) == POSITIVE, explain(text, tok)


@pytest.mark.parametrize("text", NEGATIVE_TEXTS)
def test_clear_negatives(text, tok):
    assert score_text(text, tok) == NEGATIVE, explain(text, tok)


@pytest.mark.parametrize("text", NEUTRAL_TEXTS)
def test_neutrals(text, tok):
    assert score_text(text, tok) == NEUTRAL, explain(text, tok)


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
def test_empty_text_is_neutral(text, tok):
    assert score_text(text, tok) == NEUTRAL
    assert score_tokens([]) == NEUTRAL
    assert explain(text, tok)["label"] == NEUTRAL


# --------------------------------------------------------------------------- #
# Negation, degree, contrast, wishes, questions
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("text, label", [
    ("满意", POSITIVE),
    ("不满意", NEGATIVE),
    ("我对处理结果不满意", NEGATIVE),
    ("不是很满意", NEGATIVE),
    ("不好用", NEGATIVE),
    ("不喜欢", NEGATIVE),
    ("不推荐", NEGATIVE),
    ("不错", POSITIVE),
    ("很不错", POSITIVE),
    ("不贵", POSITIVE),
    ("没有异味", POSITIVE),
    ("问题至今没有解决", NEGATIVE),
    ("问题已经解决", NEUTRAL),   # 解决 alone is not praise …
    ("至今未解决", NEGATIVE),     # … but unmet, it is a complaint
    ("多次反映无人管理", NEGATIVE),
])
def test_negation(text, label, tok):
    assert score_text(text, tok) == label, explain(text, tok)


def test_negation_flips_the_sign(tok):
    good = score_value(tok.tokens("满意"))
    bad = score_value(tok.tokens("不满意"))
    assert good > 0 > bad
    # a negated negative word is only mildly positive
    assert 0 < score_value(tok.tokens("不贵")) < -score_value(tok.tokens("贵"))


def test_double_negation_cancels(tok):
    assert score_value(tok.tokens("不是不满意")) > 0


def test_negation_reaches_only_the_next_word(tok):
    # 不 negates 停车 (unknown), not the later 浪费
    assert score_text("无法停车又浪费空间", tok) == NEGATIVE


def test_degree_words_scale(tok):
    plain = score_value(tok.tokens("满意"))
    assert score_value(tok.tokens("非常满意")) > score_value(tok.tokens("比较满意")) > 0
    assert score_value(tok.tokens("特别失望")) < score_value(tok.tokens("有点失望")) < 0
    assert score_value(tok.tokens("有点满意")) < plain


def test_degree_after_negation_softens(tok):
    # 不是很好 is negative, but milder than 很不好
    assert score_value(tok.tokens("很不好")) < score_value(tok.tokens("不是很好")) < 0


def test_hao_is_a_degree_word_before_a_sentiment_word(tok):
    assert score_text("好伤心", tok) == NEGATIVE
    assert score_text("质量好", tok) == POSITIVE


def test_contrast_weighs_what_follows(tok):
    assert score_text("虽然价格有点贵，但是很好用", tok) == POSITIVE
    assert score_text("外观还不错，但是质量太差了", tok) == NEGATIVE
    # equal weights on both sides: the side after the contrast word decides
    assert score_value(tok.tokens("质量很好，太贵了")) == pytest.approx(0)
    assert score_text("质量很好，但是太贵了", tok) == NEGATIVE
    assert score_text("太贵了，不过质量很好", tok) == POSITIVE


def test_wish_is_not_praise(tok):
    # 希望…更美好 is a wish: the complaint before it decides
    text = "小区噪音扰民，希望有关部门处理，让我们的生活更美好更幸福"
    assert score_text(text, tok) == NEGATIVE, explain(text, tok)


def test_questions_are_neutral_unless_clear(tok):
    assert score_text("请问如何办理居住证？", tok) == NEUTRAL
    # a consultation that also complains clearly is still negative
    assert score_text("请问为什么工地每天通宵施工扰民，严重影响休息，多次投诉无果？", tok) == NEGATIVE
    assert explain("请问如何办理？", tok)["questions"] >= 2


def test_thanks_with_a_complaint_is_negative(tok):
    text = "小区门口乱停车问题严重，多次反映无果，严重影响出行安全，非常感谢！"
    assert score_text(text, tok) == NEGATIVE


def test_thanks_message_is_positive(tok):
    text = "上周反映的路灯问题，街道第二天就修好了，工作人员态度热情，效率很高，非常感谢，点赞！"
    assert score_text(text, tok) == POSITIVE


# --------------------------------------------------------------------------- #
# API shape
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("text", POSITIVE_TEXTS + NEGATIVE_TEXTS + NEUTRAL_TEXTS + [
    "房间还可以吧，就是有点小，早餐一般般。",
    "很给力，下次还会再来",
    "没有想象中的好",
    "ＡＢＣ手机😀不卡，Wi-Fi信号好，http://example.com 138****5678",
])
def test_score_text_equals_score_tokens_of_tokens(text, tok):
    assert score_text(text, tok) == score_tokens(tok.tokens(text), get_lexicon(tok.dicts_dir, tok))


def test_score_texts(tok):
    texts = POSITIVE_TEXTS[:2] + ["", None] + NEGATIVE_TEXTS[:2]
    assert score_texts(texts, tok) == [POSITIVE, POSITIVE, NEUTRAL, NEUTRAL, NEGATIVE, NEGATIVE]


def test_default_tokenizer_and_lexicon():
    assert score_text("非常满意") == POSITIVE
    assert score_tokens(["非常", "满意"]) == POSITIVE
    assert score_tokens(["垃圾"]) == NEGATIVE


def test_analyse_tokens_feed_the_scorer(tok):
    text = "物业不作为，乱收费，业主非常不满意"
    tokens, counts = tok.analyse(text)
    assert score_tokens(tokens) == NEGATIVE
    assert counts == tok.term_counts(text)


def test_explain_says_why(tok):
    text = "非常不满意，服务员不热情，太差了"
    e = explain(text, tok)
    assert e["label"] == NEGATIVE
    assert e["score"] < 0 and e["negative"] > 0
    words = {h["word"]: h for h in e["hits"] if "weight" in h}
    assert words["不满意"]["degree"] == 2.0 and words["不满意"]["weight"] < 0    # 非常 × 不满意
    assert words["热情"]["negated"] is True and words["热情"]["weight"] < 0      # 不 热情
    assert "服务员" not in words
    assert e["tokens"] == tok.tokens(text)
    assert set(e) >= {"label", "score", "positive", "negative", "questions", "bar", "hits", "tokens"}


def test_label_stream():
    lines = ["质量很好，很满意\n", "\n", "   \n", "太差了，退货！\r\n", "请问怎么办理？"]
    out = list(label_stream(lines))
    assert out == [POSITIVE, NEUTRAL, NEUTRAL, NEGATIVE, NEUTRAL]
    assert all(label in LABELS for label in out)


def test_label_stream_is_lazy():
    def endless():
        while True:
            yield "很好\n"
    stream = label_stream(endless())
    assert [next(stream) for _ in range(3)] == [POSITIVE] * 3


# --------------------------------------------------------------------------- #
# Lexicon files
# --------------------------------------------------------------------------- #

def _write_lexicon(d: Path, **files: str) -> None:
    (d / "sentiment").mkdir(parents=True, exist_ok=True)
    for name in sent.LEXICON_FILES:
        (d / "sentiment" / name).write_text(files.get(name.split(".")[0], ""), encoding="utf-8")


def test_custom_lexicon_folder(tmp_path):
    _write_lexicon(tmp_path, positive="# comment\n蓝莓 2  # trailing comment\n", negative="紫菜\n",
                   negation="不\n", degree="超级 3\n")
    tok = Tokenizer(tmp_path)
    lex = Lexicon.load(tmp_path / "sentiment", tok)
    assert lex.positive == {"蓝莓": 2.0} and lex.negative == {"紫菜": 1.0}
    assert score_tokens(tok.tokens("蓝莓"), lex) == POSITIVE
    assert score_tokens(tok.tokens("紫菜"), lex) == NEGATIVE
    assert score_tokens(tok.tokens("满意"), lex) == NEUTRAL  # not in this lexicon
    assert score_value(tok.tokens("超级蓝莓"), lex) == pytest.approx(6.0)


def test_multi_token_entries_match_as_phrases(tmp_path):
    _write_lexicon(tmp_path, negative="霸王条款 2\n")
    tok = Tokenizer(tmp_path)
    assert len(tok.tokens("霸王条款")) > 1
    lex = Lexicon.load(tmp_path / "sentiment", tok)
    assert score_value(tok.tokens("合同里有霸王条款"), lex) == pytest.approx(-2.0)
    assert score_value(tok.tokens("霸王"), lex) == 0


def test_missing_files_mean_an_empty_lexicon(tmp_path):
    tok = Tokenizer(tmp_path)
    lex = Lexicon.load(tmp_path / "sentiment", tok)
    assert lex.sizes()["positive"] == 0
    assert score_tokens(tok.tokens("非常满意"), lex) == NEUTRAL


def test_bad_weight_falls_back_to_default(tmp_path, caplog):
    _write_lexicon(tmp_path, positive="好棒 abc\n好赞 -3\n")
    lex = Lexicon.load(tmp_path / "sentiment", Tokenizer(tmp_path))
    assert lex.positive == {"好棒": 1.0, "好赞": 1.0}
    assert "bad weight" in caplog.text


def test_get_lexicon_is_cached_and_reloads_on_change(tmp_path, monkeypatch):
    clear_lexicon_cache()
    _write_lexicon(tmp_path, positive="蓝莓\n")
    tok = get_tokenizer(tmp_path)
    first = get_lexicon(tmp_path)
    assert get_lexicon(tmp_path) is first
    assert get_lexicon(tokenizer=tok) is first
    assert score_text("紫菜", tok) == NEUTRAL
    monkeypatch.setattr(sent, "_RECHECK_SECONDS", 0.0)
    assert get_lexicon(tmp_path) is first           # unchanged files: same lexicon
    (tmp_path / "sentiment" / "negative.txt").write_text("紫菜 # edited\n", encoding="utf-8")
    second = get_lexicon(tmp_path)
    assert second is not first
    assert score_text("紫菜", tok) == NEGATIVE
    clear_lexicon_cache()


def test_get_lexicon_threads_share_one_instance(tmp_path):
    clear_lexicon_cache()
    _write_lexicon(tmp_path, positive="蓝莓\n")
    get_tokenizer(tmp_path)
    got, barrier = [], threading.Barrier(8)

    def worker():
        barrier.wait()
        got.append(get_lexicon(tmp_path))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(x) for x in got}) == 1
    clear_lexicon_cache()


def test_shipped_lexicon_is_sane():
    lex = get_lexicon(DICTS)
    sizes = lex.sizes()
    assert sizes["positive"] > 300 and sizes["negative"] > 500 and sizes["negation"] > 20
    both = {w for w, v in lex.positive.items() if v} & {w for w, v in lex.negative.items() if v}
    assert not both, f"words in both positive.txt and negative.txt: {sorted(both)}"


# Message shapes from the real message-board exports and the demo's meeting reactions (issue 14):
# praise of a speech and thanks for a fixed problem were scored 负面 by their problem words.
PRAISE_AND_THANKS = [
    "认真学习了市长在全市民生工作会议上的讲话，其中提出要加快推进老旧小区改造，作为一名普通市民，读来很受鼓舞。",
    "市长在全市民生工作会议上的讲话说到了老百姓心坎上",
    "谢谢12345热线，困扰我们多年的噪音问题解决了，非常感谢！",
    "A7县星沙路路灯长期不亮。反映后第二天路灯就修好了，谢谢相关部门！",
    "关于小区积水的问题已经处理完毕，非常感谢住建局的工作人员。",
]
STILL_COMPLAINTS = [
    "感谢您百忙之中阅读我的来信。我们小区物业今年把物业费从每平米1.2元涨到2.5元，没有召开业主大会，严重侵害业主权益。",
    "感谢领导回复，但是问题至今没有解决，噪音依旧扰民。",
    "首先要非常感谢政府增加280这条公交线路。但是，天华二小的站台设置有点不太合理，经常堵车，很不安全。",
]


def test_praise_of_a_speech_and_thanks_for_a_fix_are_positive():
    from dashboard.core.text.sentiment import score_text

    assert [score_text(t) for t in PRAISE_AND_THANKS] == ["正面"] * len(PRAISE_AND_THANKS)
    assert [score_text(t) for t in STILL_COMPLAINTS] == ["负面"] * len(STILL_COMPLAINTS)


def test_thanks_for_a_fix_needs_thanks_and_a_fix_that_happened():
    from dashboard.core.text.sentiment import thanks_for_a_fix

    assert thanks_for_a_fix(["问题", "已经", "解决", "，", "感谢"])
    assert not thanks_for_a_fix(["问题", "至今", "没有", "解决", "，", "感谢"])
    assert not thanks_for_a_fix(["问题", "解决", "了"])               # no thanks
    assert not thanks_for_a_fix(["感谢", "，", "请", "尽快", "解决"])    # asked for, not done
