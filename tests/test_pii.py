"""Tests for dashboard.core.pii: detection, look-alikes, masking shapes, properties."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.core.pii import PiiMatch, find_pii, mask_name, mask_text


# --------------------------------------------------------------------------- #
# Helpers: ID numbers with a check character computed independently
# (ISO 7064 MOD 11-2: weight of position i from the left is 2**(17-i) mod 11).
# --------------------------------------------------------------------------- #

def check_char(body17: str) -> str:
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def valid_id(region: str = "430102", birth: str = "19900307", seq: str = "123") -> str:
    body = region + birth + seq
    return body + check_char(body)


def wrong_check(number: str) -> str:
    good = number[-1]
    bad = "0" if good != "0" else "1"
    return number[:-1] + bad


def id_with_x() -> str:
    for seq in range(1000):
        number = valid_id(seq=f"{seq:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit found")  # pragma: no cover


def kinds(text: str) -> list[str]:
    return [m.kind for m in find_pii(text)]


# --------------------------------------------------------------------------- #
# ID cards
# --------------------------------------------------------------------------- #

def test_check_char_helper_matches_published_example():
    # GB 11643-1999 example number 11010519491231002X
    assert check_char("11010519491231002") == "X"


def test_valid_18_digit_id_detected_and_masked():
    number = valid_id()
    text = f"身份证号{number}，请核实"
    [m] = find_pii(text)
    assert (m.kind, m.value) == ("id_card", number)
    assert text[m.start:m.end] == number
    masked, found = mask_text(text)
    assert found == {"id_card"}
    assert masked == f"身份证号{number[:6]}********{number[-4:]}，请核实"


def test_wrong_checksum_is_not_an_id():
    number = wrong_check(valid_id())
    assert find_pii(f"编号{number}") == []
    assert mask_text(f"编号{number}") == (f"编号{number}", frozenset())


@pytest.mark.parametrize("seq", [f"{i:03d}" for i in range(0, 60, 7)])
def test_many_valid_ids(seq):
    number = valid_id(region="110105", birth="20011231", seq=seq)
    assert kinds(number) == ["id_card"]
    assert kinds(wrong_check(number)) == []


def test_x_check_digit_upper_and_lower_case():
    number = id_with_x()
    assert kinds(number) == ["id_card"]
    lower = number[:-1] + "x"
    assert kinds(f"证件{lower}号") == ["id_card"]
    assert mask_text(lower)[0] == lower[:6] + "*" * 8 + lower[-4:]


def test_published_example_id_with_x():
    assert kinds("11010519491231002X") == ["id_card"]
    assert kinds("11010519491231002x") == ["id_card"]
    assert kinds("110105194912310021") == []  # wrong check character


def test_id_birth_date_must_be_plausible():
    future = (dt.date.today() + dt.timedelta(days=400)).strftime("%Y%m%d")
    assert kinds(valid_id(birth=future)) == []
    assert kinds(valid_id(birth="19000101")) == ["id_card"]
    assert kinds(valid_id(birth="18991231")) == []
    assert kinds(valid_id(birth="19900230")) == []  # 30 February
    assert kinds(valid_id(birth="20000229")) == ["id_card"]  # leap day
    assert kinds(valid_id(region="030102")) == []  # region must start 1-9


def test_id_inside_longer_digit_run_is_not_detected():
    number = valid_id()
    assert find_pii("9" + number) == []
    assert find_pii(number + "7") == []
    assert find_pii(number + "X") == []
    assert find_pii(f"订单{number}01") == []


def test_legacy_15_digit_id():
    legacy = "430102900307123"  # born 1990-03-07
    [m] = find_pii(f"老身份证{legacy}。")
    assert (m.kind, m.value) == ("id_card", legacy)
    assert mask_text(legacy)[0] == "430102*****7123"
    assert find_pii("430102901307123") == []  # month 13
    assert find_pii("430102900230123") == []  # 30 February
    assert find_pii("0" + legacy) == []


# --------------------------------------------------------------------------- #
# Mobiles
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize(
    "value, masked",
    [
        ("13812345678", "138****5678"),
        ("19912345678", "199****5678"),
        ("138-1234-5678", "138-****-5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("8613812345678", "86138****5678"),
        ("+86-138-1234-5678", "+86-138-****-5678"),
        ("0086 13812345678", "0086 138****5678"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("138－1234－5678", "138－****－5678"),
    ],
)
def test_mobile_variants(value, masked):
    text = f"联系电话：{value}，谢谢"
    [m] = find_pii(text)
    assert m.kind == "mobile"
    assert m.value == value
    assert text[m.start:m.end] == value
    assert mask_text(text) == (f"联系电话：{masked}，谢谢", frozenset({"mobile"}))


def test_several_mobiles_in_a_row():
    text = "13812345678/13912345678 13712345678、15012345678"
    assert kinds(text) == ["mobile"] * 4
    assert mask_text(text)[0] == "138****5678/139****5678 137****5678、150****5678"


@pytest.mark.parametrize(
    "text",
    [
        "订单号2023061513812345678",  # 19+-digit order number with a mobile inside
        "流水号 6222021381234567890123",
        "913812345678",  # 12 digits
        "1381234567",  # 10 digits
        "12812345678",  # second digit 2
        "11012345678",
        "10086",
        "138123456789",
        "卡号6222 1381 2345 6789",
        "138-1234-56789",
    ],
)
def test_mobile_look_alikes(text):
    assert find_pii(text) == []
    assert mask_text(text) == (text, frozenset())


# --------------------------------------------------------------------------- #
# Landlines
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize(
    "value, masked",
    [
        ("0731-84567890", "0731-****7890"),
        ("0731-8456789", "0731-***6789"),
        ("010-87654321", "010-****4321"),
        ("021 62345678", "021 ****5678"),
        ("(0731)84567890", "(0731)****7890"),
        ("（0731）8456789", "（0731）***6789"),
        ("(010)87654321", "(010)****4321"),
        ("073184567890", "0731****7890"),
        ("0731-84567890-123", "0731-****7890-123"),
        ("0731-84567890转8001", "0731-****7890转8001"),
        ("0731-84567890 分机 12", "0731-****7890 分机 12"),
    ],
)
def test_landline_variants(value, masked):
    text = f"座机{value}。"
    [m] = find_pii(text)
    assert (m.kind, m.value) == ("landline", value)
    assert mask_text(text) == (f"座机{masked}。", frozenset({"landline"}))


@pytest.mark.parametrize(
    "text",
    [
        "0000-00000000",  # how the source data masks phones
        "电话：0000-00000000，地址略",
        "(0000)00000000",
        "2019-04-25",
        "2019-04-25 10:30:00",
        "2019-04-2513:30",
        "20190425",
        "金额13800.00元",
        "共计1,380,000元",
        "0731-1234567",  # local numbers do not start with 1
        "010-8765432",  # Beijing numbers have 8 digits
        "0731-845678901",  # too long
        "10731-84567890",  # digit before the area code
        "第02312345678号",  # no such area code: 023 + 1…
        "84567890",  # no area code
    ],
)
def test_landline_look_alikes(text):
    assert find_pii(text) == []


def test_dates_and_amounts_next_to_phone():
    text = "2019-04-25 13812345678 共计13800元"
    [m] = find_pii(text)
    assert m.value == "13812345678"


# --------------------------------------------------------------------------- #
# E-mail
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize(
    "value, masked",
    [
        ("zhangsan@example.com", "z***@example.com"),
        ("zs@example.com", "z*@example.com"),
        ("z@example.com", "*@example.com"),
        ("li.si+gov@mail.example.com.cn", "l***@mail.example.com.cn"),
        ("13812345678@qq.com", "1***@qq.com"),
        ("wang＠qq.com", "w***＠qq.com"),
    ],
)
def test_email(value, masked):
    text = f"邮箱{value}，"
    [m] = find_pii(text)
    assert (m.kind, m.value) == ("email", value)
    assert mask_text(text) == (f"邮箱{masked}，", frozenset({"email"}))


@pytest.mark.parametrize("text", ["a@b", "@qq.com", "user@localhost", "z***@example.com", "价格@10元"])
def test_email_look_alikes(text):
    assert find_pii(text) == []


# --------------------------------------------------------------------------- #
# mask_text / find_pii generalities
# --------------------------------------------------------------------------- #

def test_none_and_empty():
    assert mask_text(None) == (None, frozenset())
    assert mask_text("") == ("", frozenset())
    assert find_pii("") == []
    assert find_pii(None) == []


def test_text_without_pii_is_returned_as_is():
    text = "小区噪音扰民，2019年4月25日反映，编号0000-00000000"
    masked, found = mask_text(text)
    assert masked is text
    assert found == frozenset()


def test_mixed_text_all_kinds():
    number = valid_id()
    text = f"张三，电话13812345678，座机0731-84567890，身份证{number}，邮箱zhang@qq.com。"
    found = find_pii(text)
    assert [m.kind for m in found] == ["mobile", "landline", "id_card", "email"]
    assert all(isinstance(m, PiiMatch) and text[m.start:m.end] == m.value for m in found)
    masked, ks = mask_text(text)
    assert ks == {"mobile", "landline", "id_card", "email"}
    assert masked == (
        f"张三，电话138****5678，座机0731-****7890，身份证{number[:6]}********{number[-4:]}，"
        "邮箱z***@qq.com。"
    )
    assert mask_text(masked) == (masked, frozenset())


# --------------------------------------------------------------------------- #
# mask_name
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize(
    "name, masked",
    [
        ("张三丰", "张**"),
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("U0012345", "U00***45"),
        ("alice", "a***e"),
        ("bob", "b**"),
        ("x", "*"),
        ("13812345678", "138****5678"),
        ("zhang@qq.com", "z***@qq.com"),
        (" 张三丰 ", "张**"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked
    assert mask_name(mask_name(name)) == masked  # idempotent


def test_mask_name_hides_most_of_long_ids():
    name = "user_1234567890"
    out = mask_name(name)
    assert len(out) == len(name)
    assert out.startswith("use") and out.endswith("90")
    assert out.count("*") == len(name) - 5


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #

_SAFE_ALPHABET = st.sampled_from(
    list("的小区物业噪音扰民反映问题领导您好，。！？（）、—- abcXYZ+.:/#()（）-\n") + ["０", "Ｏ"]
)
_NO_DIGIT_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Nd", "Cs"), blacklist_characters="@＠"),
    max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(_NO_DIGIT_TEXT)
def test_texts_without_digits_or_at_are_unchanged(text):
    masked, found = mask_text(text)
    assert masked == text
    assert found == frozenset()


def _mobiles():
    return st.builds(
        lambda p, a, b, c, sep: f"{p}1{a}{b:01d}{sep}{c // 10000:04d}{sep}{c % 10000:04d}",
        st.sampled_from(["", "+86 ", "86"]),
        st.sampled_from("3456789"),
        st.integers(0, 9),
        st.integers(1, 99_999_999),
        st.sampled_from(["", "-", " "]),
    )


def _ids():
    return st.builds(
        lambda r, d, s: valid_id(region=f"{r:06d}", birth=d.strftime("%Y%m%d"), seq=f"{s:03d}"),
        st.integers(110000, 659999),
        st.dates(dt.date(1900, 1, 1), dt.date.today()),
        st.integers(0, 999),
    )


def _landlines():
    return st.builds(
        lambda area, local, fmt: fmt.format(area=area, local=local),
        st.sampled_from(["0731", "0755", "0571", "0898"]),
        st.integers(2_000_000, 99_999_999).map(str).filter(lambda s: s[0] != "1"),
        st.sampled_from(["{area}-{local}", "({area}){local}", "（{area}）{local}", "{area}{local}"]),
    )


_emails = st.builds(
    lambda user, dom: f"{user}@{dom}.com",
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=12).filter(
        lambda u: u[0].isalnum()
    ),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8),
)
_look_alikes = st.sampled_from(
    ["2019-04-25", "0000-00000000", "13800元", "2023061513812345678", "1,380,000", "第3栋2单元",
     wrong_check(valid_id())]
)
_filler = st.text(alphabet=_SAFE_ALPHABET, max_size=12)
_pieces = st.lists(
    st.one_of(_filler, _mobiles(), _ids(), _landlines(), _emails, _look_alikes),
    max_size=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_pieces)
def test_mask_text_properties(pieces):
    # Pieces are separated by a Chinese character so digit runs never merge.
    text = "号".join(pieces)
    found = find_pii(text)
    masked, kinds_found = mask_text(text)
    assert kinds_found == {m.kind for m in found}
    assert len(masked) <= len(text)
    # nothing detectable is left, and masking twice changes nothing
    assert find_pii(masked) == []
    assert mask_text(masked)[0] == masked
    # no detected value survives (unless it also occurs unmatched elsewhere)
    rest = text
    for m in reversed(found):
        rest = rest[: m.start] + "\0" + rest[m.end:]
    for m in found:
        if m.value not in rest:
            assert m.value not in masked
    # matches are ordered, disjoint and point at their values
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start
    for m in found:
        assert text[m.start:m.end] == m.value
    # every generated mobile / valid ID is found (they are never look-alikes)
    values = {m.value for m in found}
    for piece in pieces:
        if re.fullmatch(r"(\+86 |86)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}", piece):
            assert piece in values
        elif re.fullmatch(r"[1-9][0-9]{16}[0-9X]", piece) and piece != wrong_check(valid_id()):
            assert piece in values
