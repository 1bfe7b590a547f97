"""Generated test sentences for personal-data detection: numbers in the formats people write, and the
numbers that look like them but are not personal data (issue 11, finding 12).

`cases(seed, per_group)` gives, for every group below, `per_group` sentences, each holding exactly one
planted value: a phone or ID number or e-mail address in one of the ways people write it (`kind` set),
or a look-alike (`kind` None) — an order or tracking number, an amount, a date, a bank card, an 11-digit
number outside the mobile ranges, an ID-like run with a wrong check character … The surrounding text is
ordinary complaint wording with dates and amounts of its own, so a detector that fires on the context
loses precision too. Used by tests/test_pii.py (property tests and a recall/precision floor) and by
bench/pii_eval.py (the table per format). Everything is computed here, independently of pii.py: the ID
check character by ISO 7064 MOD 11-2 from its definition.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

# Mobile number segments in use (MIIT allocations): three-digit prefixes.
MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)] + ["145", "147", "149"] + [f"15{d}" for d in "01235789"]
    + ["162", "165", "166", "167"] + [f"17{d}" for d in "012345678"] + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in "0123589"] + ["196", "197"]
)
PROVINCES = ("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
             "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65")
AREA_CODES = ("010", "021", "022", "023", "020", "025", "027", "028", "029", "0731", "0755", "0571", "0898",
              "0351", "0471", "0931", "0851", "0411", "0532", "0769")
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


@dataclass(frozen=True)
class Case:
    group: str            # the format (or look-alike class) it stands for
    kind: str | None      # 'mobile' | 'id_card' | 'landline' | 'email', None for a look-alike
    text: str             # the sentence
    start: int            # where the planted value starts in `text`
    end: int
    core: int             # where the part that must be masked starts (after a +86 / 0086 prefix)

    @property
    def value(self) -> str:
        return self.text[self.start:self.end]


# --- independent helpers ----------------------------------------------------------------------------

def check_char(body17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2: weight of position i is 2**(17-i) mod 11)."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _region(rng: random.Random) -> str:
    return rng.choice(PROVINCES) + f"{rng.randint(1, 20):02d}" + f"{rng.randint(1, 30):02d}"


def _birth(rng: random.Random, first: date = date(1935, 1, 1), last: date = date(2012, 12, 31)) -> date:
    return first + timedelta(days=rng.randrange((last - first).days))


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + _digits(rng, 8)


def id18(rng: random.Random, want_x: bool | None = None) -> str:
    while True:
        body = _region(rng) + _birth(rng).strftime("%Y%m%d") + _digits(rng, 3)
        number = body + check_char(body)
        if want_x is None or want_x == number.endswith("X"):
            return number


def id15(rng: random.Random) -> str:
    return _region(rng) + _birth(rng, date(1930, 1, 1), date(1984, 12, 31)).strftime("%y%m%d") + _digits(rng, 3)


def group(number: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, pos = [], 0
    for size in sizes:
        parts.append(number[pos:pos + size])
        pos += size
    assert pos == len(number), (number, sizes)
    return sep.join(parts)


# --- valid values: group -> (kind, maker returning (value, prefix length)) ---------------------------

def _plain(make: Callable[[random.Random], str]):
    return lambda rng: (make(rng), 0)


def _prefixed(prefixes: tuple[str, ...], body: Callable[[random.Random], str]):
    def make(rng):
        prefix = rng.choice(prefixes)
        return prefix + body(rng), len(prefix)
    return make


VALID: dict[str, tuple[str, Callable]] = {
    "手机 连写": ("mobile", _plain(mobile)),
    "手机 3-4-4 横线": ("mobile", _plain(lambda r: group(mobile(r), (3, 4, 4), "-"))),
    "手机 3-4-4 空格": ("mobile", _plain(lambda r: group(mobile(r), (3, 4, 4), " "))),
    "手机 3-4-4 点": ("mobile", _plain(lambda r: group(mobile(r), (3, 4, 4), "."))),
    "手机 4-4-3 空格/横线/点": ("mobile", _plain(lambda r: group(mobile(r), (4, 4, 3), r.choice(" -.")))),
    "手机 3-3-5 空格/横线": ("mobile", _plain(lambda r: group(mobile(r), (3, 3, 5), r.choice(" -")))),
    "手机 3-8 / 7-4": ("mobile", _plain(lambda r: group(mobile(r), r.choice(((3, 8), (7, 4))), r.choice(" -")))),
    "手机 其他分隔符（–—－全角空格）": ("mobile", _plain(
        lambda r: group(mobile(r), r.choice(((3, 4, 4), (4, 4, 3))), r.choice(["–", "—", "－", "\u3000"])))),
    "手机 +86": ("mobile", _prefixed(("+86 ", "+86", "+86-", "(+86)", "（+86）", "+86 "), mobile)),
    "手机 +86 分组": ("mobile", _prefixed(("+86 ", "+86-"), lambda r: group(mobile(r), (3, 4, 4), r.choice(" -")))),
    "手机 0086": ("mobile", _prefixed(("0086 ", "0086", "0086-"), mobile)),
    "手机 分组 前后有其他数字": ("mobile", _plain(lambda r: group(mobile(r), r.choice(((3, 4, 4), (4, 4, 3))), " "))),
    "手机 全角数字": ("mobile", _plain(lambda r: r.choice(
        [mobile(r), group(mobile(r), (3, 4, 4), "-"), group(mobile(r), (3, 4, 4), "\u3000")]).translate(FULL_WIDTH))),
    "身份证 18位连写": ("id_card", _plain(id18)),
    "身份证 末位X/x": ("id_card", _plain(lambda r: id18(r, want_x=True)[:17] + r.choice("Xx"))),
    "身份证 6-8-4 空格/横线": ("id_card", _plain(lambda r: group(id18(r), (6, 8, 4), r.choice(" -")))),
    "身份证 4-4-4-4-2 空格": ("id_card", _plain(lambda r: group(id18(r), (4, 4, 4, 4, 2), " "))),
    "身份证 3-3-4-4-4 空格": ("id_card", _plain(lambda r: group(id18(r), (3, 3, 4, 4, 4), " "))),
    "身份证 全角数字": ("id_card", _plain(lambda r: id18(r, want_x=False).translate(FULL_WIDTH))),
    "身份证 15位旧号": ("id_card", _plain(id15)),
    "座机 区号-号码": ("landline", _plain(lambda r: _landline(r, "{a}-{l}"))),
    "座机 (区号)号码 / 连写": ("landline", _plain(lambda r: _landline(r, r.choice(["({a}){l}", "（{a}）{l}", "{a}{l}"])))),
    "座机 带分机": ("landline", _plain(lambda r: _landline(r, "{a}-{l}") + r.choice(["-801", "转8001", " 分机 12"]))),
    "座机 号码分组": ("landline", _plain(lambda r: _landline(r, "{a}-{l}", grouped=True))),
    "邮箱 常见": ("email", _plain(lambda r: _email(r))),
    "邮箱 全角＠/大写": ("email", _plain(lambda r: _email(r).upper() if r.random() < 0.5 else _email(r).replace("@", "＠"))),
}


def _landline(rng: random.Random, shape: str, grouped: bool = False) -> str:
    area = rng.choice(AREA_CODES)
    length = 8 if len(area) == 3 else rng.choice((7, 8))
    local = rng.choice("23456789") + _digits(rng, length - 1)
    if grouped:
        local = group(local, (4, 4) if length == 8 else (3, 4), rng.choice(" -"))
    return shape.format(a=area, l=local)


def _email(rng: random.Random) -> str:
    user = rng.choice(["zhangsan", "li.si", "wang_wu", "zhao+gov", "xiaoming2008", "chen-jie", "q1234567"])
    return f"{user}@{rng.choice(['qq.com', '163.com', 'mail.example.gov.cn', 'sina.cn', 'gmail.com'])}"


# --- look-alikes: group -> maker returning the value ---------------------------------------------------

def _tracking15(rng: random.Random) -> str:
    return rng.choice(["77", "78", "31", "43", "46", "55", "36", "98"]) + _digits(rng, 13)


def _wrong_check(number: str) -> str:
    good = number[17]
    return number[:17] + ("0" if good != "0" else "1")


def _bad_prefix(rng: random.Random) -> str:
    return rng.choice(["10", "11", "12"]) + _digits(rng, 9)


LOOK_ALIKES: dict[str, Callable[[random.Random], str]] = {
    "订单号 18-20位": lambda r: r.choice("123456789") + _digits(r, r.randint(17, 19)),
    "订单号 日期开头": lambda r: _birth(r, date(2015, 1, 1), date(2024, 12, 31)).strftime("%Y%m%d") + _digits(r, r.randint(10, 12)),
    "订单号 字母开头": lambda r: r.choice(["DD", "JD", "TB", "NO"]) + _digits(r, r.randint(12, 18)),
    "快递单号 15位（有单号字样）": _tracking15,
    "15位数字 无单号字样": _tracking15,
    "快递单号 12-14位": lambda r: r.choice(["75", "78", "73", "98"]) + _digits(r, r.randint(10, 12)),
    "快递单号 字母开头": lambda r: r.choice(["SF", "YT", "JT", "JD"]) + _digits(r, r.choice((12, 13, 15))),
    "金额": lambda r: r.choice([f"{r.randint(1000, 99999999):,}.{r.randint(0, 99):02d}元",
                              f"{r.randint(10000, 999999999)}元", f"¥{r.randint(100000, 99999999)}.00",
                              f"{r.randint(100, 9999)}.{r.randint(1000, 9999)}万元"]),
    "日期时间": lambda r: _birth(r, date(2000, 1, 1), date(2024, 12, 31)).strftime(
        r.choice(["%Y-%m-%d %H:%M:%S", "%Y.%m.%d", "%Y%m%d%H%M%S", "%Y/%m/%d 09:32", "%Y年%m月%d日", "%Y-%m-%d"])),
    "银行卡 16-19位": lambda r: "62" + _digits(r, r.choice((14, 17))),
    "银行卡 分组": lambda r: group("62" + _digits(r, 17), (4, 4, 4, 4, 3), r.choice(" -")),
    "11位 非手机号段": _bad_prefix,
    "11位 非手机号段 分组": lambda r: group(_bad_prefix(r), (3, 4, 4), r.choice(" -")),
    "手机号 位数不对": lambda r: mobile(r)[:10] if r.random() < 0.5 else mobile(r) + r.choice("0123456789"),
    "身份证 校验位错误": lambda r: _wrong_check(id18(r)),
    "身份证 校验位错误 分组": lambda r: group(_wrong_check(id18(r)), r.choice(((6, 8, 4), (4, 4, 4, 4, 2))), " "),
    "身份证 日期不合法": lambda r: (lambda b: b + check_char(b))(_region(r) + "1990" + r.choice(["13", "00", "02"])
                                                         + r.choice(["30", "32", "00"]) + _digits(r, 3)),
    "坐标/小数": lambda r: f"{r.randint(73, 135)}.{_digits(r, r.randint(6, 8))}",
    "IP 地址": lambda r: ".".join(str(r.randint(1, 255)) for _ in range(4)),
    "工号/QQ 5-10位": lambda r: r.choice("123456789") + _digits(r, r.randint(4, 9)),
    "已打码号码": lambda r: r.choice([f"{mobile(r)[:3]}****{_digits(r, 4)}", "0000-00000000",
                                   f"{_region(r)}********{_digits(r, 3)}X"]),
}

# --- sentences ---------------------------------------------------------------------------------------

CONTEXTS = {
    "mobile": ["我的手机号是{}，请尽快回电。", "联系电话：{}", "有事请打{}找王女士", "电话{}（微信同号）",
               "{}是我的号码，打不通请发短信。", "2024-03-05 10:30 来电，号码{}，反映欠薪8500元。",
               "小区3栋2单元，业主电话 {} ，请物业回复。", "Tel: {}"],
    "id_card": ["本人身份证号码{}，户口在A7县。", "身份证：{}，姓名张三", "证件号 {} 已核实。",
                "老人身份证号{}，2019年起领取养老金1200元。", "{}（身份证）"],
    "landline": ["座机{}转人工无人接听", "办公电话：{}，工作日9:00-17:00", "请拨打{}咨询。"],
    "email": ["邮箱：{}，请回复结果。", "已发邮件到{}，三天没有回音。", "联系邮箱 {} 。"],
}
# Numbers next to the value, grouped the same way (a room number, a year, a count).
NEAR_NUMBERS = ["3栋1502 {}", "2024 {} 王先生", "电话 {} 2024年3月起一直打不通", "共3户 {} 8人受影响", "{} 12345热线已转办"]
LOOK_ALIKE_CONTEXTS = {
    "订单": ["订单号{}，商家拒绝退款。", "订单编号：{}，金额268元。"],
    "快递": ["快递单号{}，一直没有派送。", "运单号：{}，显示已签收但没收到。", "物流单号为 {} ，2024-03-02发货。"],
    "其他": ["反映的问题编号为{}，请核实。", "{}，至今没有答复。", "{} 与上次反映的情况相同。", "记录：{}。"],
}
_CONTEXT_OF = {"订单号": "订单", "快递单号": "快递"}


def _sentence(rng: random.Random, templates: list[str], value: str, group_name: str, kind: str | None,
              core: int) -> Case:
    template = rng.choice(templates)
    start = template.index("{}")
    text = template.format(value)
    return Case(group_name, kind, text, start, start + len(value), start + core)


def _look_alike_templates(group_name: str) -> list[str]:
    for word, context in _CONTEXT_OF.items():
        if group_name.startswith(word):
            return LOOK_ALIKE_CONTEXTS[context] + LOOK_ALIKE_CONTEXTS["其他"][:1]
    return LOOK_ALIKE_CONTEXTS["其他"]


def cases(seed: int = 11, per_group: int = 200) -> list[Case]:
    """Every valid format and every look-alike class, `per_group` sentences each, the same for a seed."""
    rng = random.Random(seed)
    out: list[Case] = []
    for name, (kind, make) in VALID.items():
        templates = NEAR_NUMBERS if "其他数字" in name else CONTEXTS[kind]
        for _ in range(per_group):
            value, core = make(rng)
            out.append(_sentence(rng, templates, value, name, kind, core))
    for name, make in LOOK_ALIKES.items():
        for _ in range(per_group):
            out.append(_sentence(rng, _look_alike_templates(name), make(rng), name, None, 0))
    return out


# --- scoring -----------------------------------------------------------------------------------------

@dataclass
class Score:
    group: str
    kind: str | None
    total: int = 0
    right: int = 0          # valid: found and masked; look-alike: left alone
    matches: int = 0        # every match found in the group's sentences
    false_matches: int = 0  # matches that are not the planted value

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0


def found(case: Case, matches) -> bool:
    """The planted value is detected as its kind: one match covers it (a country prefix may be left out)."""
    return any(m.kind == case.kind and m.start <= case.core and m.end >= case.end for m in matches)


def score(all_cases: list[Case], find) -> dict[str, Score]:
    """Per group: recall (valid formats) or the share left alone (look-alikes), and false matches."""
    scores: dict[str, Score] = {}
    for case in all_cases:
        s = scores.setdefault(case.group, Score(case.group, case.kind))
        matches = find(case.text)
        s.total += 1
        s.matches += len(matches)
        planted = [m for m in matches if case.kind is not None and m.start < case.end and case.start < m.end
                   and m.kind == case.kind]
        s.false_matches += len(matches) - len(planted)
        if case.kind is None:
            s.right += not any(m.start < case.end and case.start < m.end for m in matches)
        else:
            s.right += found(case, matches)
    return scores


def precision(scores: dict[str, Score]) -> float:
    """Share of all matches that are planted personal data."""
    matches = sum(s.matches for s in scores.values())
    return 1 - sum(s.false_matches for s in scores.values()) / matches if matches else 1.0
