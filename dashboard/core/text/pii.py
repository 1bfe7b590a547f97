"""Detection and masking of personal data (PII) in message text.

Runs on every item at ingest, so it is built for speed: precompiled regular
expressions; a cheap pre-check skips texts that cannot contain anything (no
cluster of 11 digits with at most one separator between them, and no '@'); the
number patterns are only tried where a digit run starts inside such a cluster.

What is detected (``PiiMatch.kind``):

``mobile``
    Mainland mobile numbers: 11 digits ``1[3-9]x xxxx xxxx``, contiguous or
    grouped by separators (hyphen, dash, space, full-width hyphen or space;
    dots only all three) as 3-4-4, 4-4-3, 3-3-5, 3-8 or 7-4:
    ``138-1234-5678``, ``138 1234 5678``, ``138.1234.5678``,
    ``1381 2345 678``, ``138 123 45678``, ``138-12345678`` (dots only in
    three groups: ``134.12345678`` is a coordinate); optionally prefixed with
    ``+86`` / ``86`` / ``0086`` / ``(+86)``.
``id_card``
    Resident ID numbers. 18 characters: first digit 1-9, a real birth date
    between 1900-01-01 and today, and a correct GB 11643-1999 ISO 7064 mod 11-2
    check character (``X``/``x`` allowed).  15-digit legacy numbers: a
    mainland province code (11-65), a real birth date 19YYMMDD (they have no
    check digit; prefecture code 01-70 or 90), and not named as another kind of number just before
    (``快递单号``, ``订单``, ``编号`` … within 12 characters, unless an ID word
    such as ``身份证`` is nearer).  Contiguous or grouped by one kind of
    separator the ways people write them: 6-8-4, 4-4-4-4-2, 3-3-4-4-4,
    6-4-4-4 (``4301 0219 9003 0710 4X``, ``430102 19900307 104X``,
    ``430102-19900307-104X``); legacy 6-6-3, 4-4-4-3, 6-9, 3-3-3-3-3.  No letter or
    digit directly before (``NO271621841118510``, ``SF5021…`` are order and
    tracking numbers).  A grouped ID is not joined by its separator to more
    digits before or after it.
``landline``
    Area code + local number: ``010``/``02x`` + 8 digits, ``03xx``-``09xx`` +
    7 or 8 digits; the local number starts with 2-9 and may be grouped 4-4 or
    3-4.  Separated by ``-`` or a space, contiguous, or with the area code in
    (half- or full-width) parentheses: ``0731-84567890``, ``(0731)84567890``,
    ``（0731）8456789``, ``0731-8456 7890``.  An extension (``-123``,
    ``转123``, ``分机123``, ``ext 123``) is part of the match but is not
    masked.  Local numbers without an area code are not detected
    (indistinguishable from other 7-8 digit numbers).  No letter or digit
    directly before; a grouped one is not joined by its separator to more
    digits before or after it.
``email``
    ``local@domain.tld`` (also with a full-width ``＠``).

Every numeric match needs digit boundaries (no digit directly before or
after), so longer digit runs such as 19-digit order numbers or bank card
numbers never yield a phone or ID number.  A grouped number that is the tail
of a longer run grouped the same way (a bank card ``6222 0213 1381 2345
678``: two groups of four digits joined by the same separator right
before it) is not one.  Full-width digits (``１３８…``) are recognised.

Masking keeps the shape (separators stay) and a little context, and never
makes the text longer:

=========  ==========================  =========================
kind       value                       masked
=========  ==========================  =========================
mobile     ``13812345678``             ``138****5678``
mobile     ``+86 138-1234-5678``       ``+86 138-****-5678``
mobile     ``1381 2345 678``           ``138* ***5 678``
id_card    ``43010219900307104X``      ``430102********104X``
id_card    ``4301 0219 9003 0710 4X``  ``4301 02** **** **10 4X``
id_card    ``430102900307123``         ``430102*****7123``
landline   ``0731-84567890``           ``0731-****7890``
email      ``zhangsan@example.com``    ``z***@example.com``
=========  ==========================  =========================

Masked output is never detected again (``mask_text`` is idempotent).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from operator import mul

__all__ = ["PiiMatch", "PII_KINDS", "find_pii", "mask_text", "mask_name"]

PII_KINDS = frozenset({"mobile", "id_card", "landline", "email"})


@dataclass(frozen=True, slots=True)
class PiiMatch:
    kind: str  # 'mobile' | 'id_card' | 'landline' | 'email'
    start: int
    end: int
    value: str


Hit = tuple[str, int, int, str]   # (kind, start, end, masked value)

# --------------------------------------------------------------------------- #
# Patterns (matched on the text with full-width digits made ASCII)
# --------------------------------------------------------------------------- #

# Separators between digit groups: space, NBSP, hyphen and dashes, minus,
# ideographic space, full-width hyphen.  Mobiles may also use dots.
_SEP_CHARS = " \u00a0\\-\u2010-\u2015\u2212\u3000\uff0d"
_S = f"[{_SEP_CHARS}]"
_SD = f"[{_SEP_CHARS}.\uff0e]"
_NB = r"(?<![0-9])"  # no digit directly before
_NBA = r"(?<![0-9A-Za-z])"  # no digit or ASCII letter directly before
_NA = r"(?![0-9])"  # no digit directly after

_EMAIL = (
    r"(?P<email>(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@"
    r"[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24})"
)
# Each number contiguous first (fast), grouped only when a separator follows within its length (a
# repeated optional separator costs much more per digit).
_MOBILE_RE = re.compile(
    _NB + r"(?:(?:\+|00|(?<![A-Za-z]))86" + _S + r"?|[(（]\+?86[)）]" + _S + r"?)?"
    r"(?P<body>1[3-9](?:[0-9]{9}|(?=[0-9]{0,8}" + _SD + r")(?:" + _SD + r"?[0-9]){9}))" + _NA
)
_ID18_RE = re.compile(_NBA + r"[1-9](?:[0-9]{16}|(?=[0-9]{0,15}" + _S + r")(?:" + _S + r"?[0-9]){16}" + _S + r"?)"
                      r"[0-9Xx](?![0-9A-Za-z])")
_ID15_RE = re.compile(_NBA + r"[1-9](?:[0-9]{14}|(?=[0-9]{0,13}" + _S + r")(?:" + _S + r"?[0-9]){14})"
                      r"(?![0-9A-Za-z])")
_LOCAL8 = r"[2-9](?:[0-9]{7}|[0-9]{3}[ \-][0-9]{4})"
_LOCAL7 = r"[2-9](?:[0-9]{6,7}|[0-9]{2,3}[ \-][0-9]{4})"
_EXT = r"(?:[ \t]*(?:-|转|分机|[Ee][Xx][Tt]\.?|[Xx])[ \t]*[0-9]{1,5}" + _NA + r")?"
_LANDLINE_RE = re.compile(
    _NBA + r"(?:(?:[(（]0(?:10|2[0-9])[)）]|0(?:10|2[0-9]))" + _S + r"?(?P<local8>" + _LOCAL8 + r")"
    r"|(?:[(（]0[3-9][0-9]{2}[)）]|0[3-9][0-9]{2})" + _S + r"?(?P<local7>" + _LOCAL7 + r"))" + _NA + _EXT
)
_EMAIL_RE = re.compile(_EMAIL)

# Candidate clusters: 11+ digits (the shortest number detected: a mobile, or a
# landline with its area code) with at most one separator / dot / parenthesis
# between consecutive digits.  Texts without one (and without '@') are skipped
# at once; inside a cluster the number patterns are tried only where a digit
# run (or a '+' / '(' just before one) starts.
_D = "0-9\uff10-\uff19"  # ASCII and full-width digits
_CLUSTER_RE = re.compile(f"[{_D}](?:[{_SEP_CHARS}.\uff0e()（）]?[{_D}]){{10,}}")
_RUN_START_RE = re.compile(r"(?<![0-9])[0-9+(（]")
_DOTS_RE = re.compile("[.\uff0e]")
_GROUP_SEP_RE = re.compile(f"[{_SEP_CHARS}.\uff0e]")
_FOUR_DIGITS_RE = re.compile(r"[0-9]{4}")

# Full-width digits / '＠' are mapped 1:1 to ASCII for matching, so offsets
# into the original text stay valid.
_FULLWIDTH_TRIGGER_RE = re.compile("[\uff10-\uff19\uff20]")
_FULLWIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH_TABLE[0x3000] = 0x20
# Keep full-width parentheses as they are: the patterns accept them directly.
del _FULLWIDTH_TABLE[0xFF08], _FULLWIDTH_TABLE[0xFF09]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MIN_BIRTH = _dt.date(1900, 1, 1)
# Legacy 15-digit numbers were issued on the mainland only (GB/T 2260 province codes).
_MAINLAND_PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
                                "61 62 63 64 65".split())
# A 15-digit number has no check digit: what the text calls it just before decides (tracking and order
# numbers are 15 digits too).  The nearer word wins.
_ID_WORDS = ("身份证", "身份号", "证件", "公民")
_OTHER_NUMBER_WORDS = ("单号", "订单", "运单", "快递", "物流", "编号", "流水", "工单", "票号", "发票", "卡号", "账号",
                       "帐号", "账户", "交易", "序列号", "批次", "合同", "条码", "货号", "批号")
_NAMING_RE = re.compile("|".join(_ID_WORDS + _OTHER_NUMBER_WORDS))
_NAMING_WINDOW = 12
# How people group an ID number (18 and legacy 15 characters).
_ID_GROUPS = frozenset({(6, 8, 4), (4, 4, 4, 4, 2), (3, 3, 4, 4, 4), (6, 4, 4, 4), (6, 6, 3), (4, 4, 4, 3), (6, 9),
                        (3, 3, 3, 3, 3)})
# How people group a mobile number (separators may differ, except dots: only dots, and three groups).
_MOBILE_GROUPS = frozenset({(3, 4, 4), (4, 4, 3), (3, 3, 5), (3, 8), (7, 4)})


# --------------------------------------------------------------------------- #
# Validation helpers
# --------------------------------------------------------------------------- #

def _plausible_date(y: int, m: int, d: int) -> bool:
    try:
        born = _dt.date(y, m, d)
    except ValueError:
        return False
    return _MIN_BIRTH <= born <= _dt.date.today()


def id_checksum_ok(number: str) -> bool:
    """GB 11643-1999 check character of an 18-character ID number (ASCII digits)."""
    total = sum(map(mul, _ID_WEIGHTS, map(int, number[:17])))
    return _ID_CHECK[total % 11] == number[17].upper()


def _grouping(value: str) -> tuple[str | None, list[int]]:
    """The separator between the digit groups of `value` (None when contiguous, '' when of several
    kinds) and the groups' sizes."""
    if value.isdigit() or (value[:-1].isdigit() and value[-1] in "Xx"):   # the common case: contiguous
        return None, [len(value)]
    seps = set(_GROUP_SEP_RE.findall(value))
    return (seps.pop() if len(seps) == 1 else ""), [len(g) for g in _GROUP_SEP_RE.split(value)]


def _continues(norm: str, start: int, sep: str, prev_end: int) -> bool:
    """A grouped number that is the tail of a longer run grouped the same way (a bank card
    6222 0213 1381 2345 678): two groups of four digits, each followed by the same separator, right
    before it, and not the end of a number just found (a room number 1502 or a year before a phone
    number is one group, and does not count)."""
    if start < 10 or prev_end >= start - 10 or norm[start - 1] != sep or norm[start - 6] != sep:
        return False
    return (_FOUR_DIGITS_RE.fullmatch(norm, start - 5, start - 1) is not None
            and _FOUR_DIGITS_RE.fullmatch(norm, start - 10, start - 6) is not None)


def _joined(norm: str, start: int, end: int, sep: str, prev_end: int) -> bool:
    """A grouped ID or landline number joined by its own separator to more digits (4301 0219 9003 0710
    41 is in no ID card; 6270 0346 6076 2836 423 holds no landline): an ID or an area code is where a
    number starts, so nothing grouped the same way comes right before or after."""
    before = start >= 2 and norm[start - 1] == sep and "0" <= norm[start - 2] <= "9" and prev_end != start - 1
    after = norm[end:end + 1] == sep and "0" <= norm[end + 1:end + 2] <= "9"
    return before or after


def _named_as_other_number(norm: str, start: int) -> bool:
    """The nearest naming word in the 12 characters before `start` calls it an order, tracking … number."""
    last = None
    for last in _NAMING_RE.finditer(norm, max(0, start - _NAMING_WINDOW), start):
        pass
    return last is not None and last.group() in _OTHER_NUMBER_WORDS


def _city_code(code: str) -> bool:
    """Digits 3-4 of a region code: a prefecture 01-70, or 90 (county-level units under the province)."""
    return "01" <= code <= "70" or code == "90"


def _star(original: str, norm: str, start: int, end: int, first: int, last: int) -> str:
    """original[start:end] with its digits (and X) number `first` to `last - 1` replaced by '*'."""
    if norm[start:end - 1].isdigit():      # no separators: digit numbers are positions
        return original[start:start + first] + "*" * (last - first) + original[start + last:end]
    out = list(original[start:end])
    seen = 0
    for i, ch in enumerate(norm[start:end]):
        if "0" <= ch <= "9" or ch in "Xx":
            if first <= seen < last:
                out[i] = "*"
            seen += 1
    return "".join(out)


# --------------------------------------------------------------------------- #
# One kind of number at a position
# --------------------------------------------------------------------------- #

def _mobile_hit(original: str, norm: str, m: re.Match, prev_end: int) -> Hit | None:
    body_start, end = m.span("body")
    sep, sizes = _grouping(m.group("body"))
    if sep is not None:
        dotted = _DOTS_RE.search(m.group("body")) is not None
        if tuple(sizes) not in _MOBILE_GROUPS or (dotted and (sep == "" or len(sizes) != 3)):
            return None
        if _continues(norm, m.start(), norm[body_start + sizes[0]], prev_end):
            return None
    # digits 4-7 of the national number (the prefix stays)
    return "mobile", m.start(), end, original[m.start():body_start] + _star(original, norm, body_start, end, 3, 7)


def _id_hit(original: str, norm: str, m: re.Match, prev_end: int) -> Hit | None:
    start, end = m.span()
    sep, sizes = _grouping(m.group())
    if sep is not None and (sep == "" or tuple(sizes) not in _ID_GROUPS or _joined(norm, start, end, sep, prev_end)):
        return None
    number = m.group() if sep is None else m.group().replace(sep, "")
    if len(number) == 18:
        if not (_plausible_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                and id_checksum_ok(number)):
            return None
        return "id_card", start, end, _star(original, norm, start, end, 6, 14)
    if (number[:2] not in _MAINLAND_PROVINCES or not _city_code(number[2:4])
            or not _plausible_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
            or _named_as_other_number(norm, start)):
        return None
    return "id_card", start, end, _star(original, norm, start, end, 6, 11)


def _landline_hit(original: str, norm: str, m: re.Match, prev_end: int) -> Hit | None:
    start, end = m.span()
    local = "local8" if m.group("local8") is not None else "local7"
    ls, le = m.span(local)
    sep = _GROUP_SEP_RE.search(norm, start, le)
    if sep is not None and _joined(norm, start, end, sep.group(), prev_end):
        return None
    n_local = sum(ch.isdigit() for ch in m.group(local))
    # the local number's digits but its last four (area code and extension stay)
    masked = original[start:ls] + _star(original, norm, ls, le, 0, n_local - 4) + original[le:end]
    return "landline", start, end, masked


_NUMBER_KINDS = ((_MOBILE_RE, _mobile_hit), (_ID18_RE, _id_hit), (_ID15_RE, _id_hit),
                 (_LANDLINE_RE, _landline_hit))
# All four in one expression, tried at every run start. It first asks for 11 digits ahead (the shortest
# number) and for a run shorter than 19 digits (a longer one starts no number: order numbers, cards),
# which settles most run starts at once.
_ANY_NUMBER_RE = re.compile(r"(?![0-9]{19})(?=[+(（]{0,2}[0-9](?:[^0-9]?[0-9]){10})(?:"
                            + "|".join(f"(?P<k{i}>{p.pattern})" for i, (p, _) in enumerate(_NUMBER_KINDS)) + ")")
_KIND_INDEX = {f"k{i}": i for i in range(len(_NUMBER_KINDS))}


def _first_hit(original: str, norm: str, m: re.Match, prev_end: int) -> Hit | None:
    """The number `m` (of _ANY_NUMBER_RE) found, or when its checks refuse it (a bad checksum, a grouping
    that continues …), the first later kind of number that fits at the same place."""
    first = _KIND_INDEX[m.lastgroup]      # the alternative's own group closes last
    found = _NUMBER_KINDS[first][1](original, norm, m, prev_end)
    if found is None:
        for pattern, hit in _NUMBER_KINDS[first + 1:]:
            later = pattern.match(norm, m.start())
            if later is not None and (found := hit(original, norm, later, prev_end)) is not None:
                break
    return found


# --------------------------------------------------------------------------- #
# Scanning
# --------------------------------------------------------------------------- #

def _scan(text: str) -> list[Hit]:
    """(kind, start, end, masked_value) for every PII occurrence, by position."""
    has_at = "@" in text or "\uff20" in text
    if not has_at and _CLUSTER_RE.search(text) is None:
        return []
    # Full-width digits are rare; only normalise when they are present.
    norm = text.translate(_FULLWIDTH_TABLE) if _FULLWIDTH_TRIGGER_RE.search(text) else text
    found = _numbers(text, norm)
    if "@" in norm:
        emails = [_email_hit(text, m) for m in _EMAIL_RE.finditer(norm)]
        if emails:
            # An e-mail wins over a number inside it (13812345678@qq.com).
            found = [h for h in found if not any(e[1] < h[2] and h[1] < e[2] for e in emails)]
            found.extend(emails)
            found.sort(key=lambda h: h[1])
    return found


def _numbers(text: str, norm: str) -> list[Hit]:
    found: list[Hit] = []
    prev_end = -1
    for cluster in _CLUSTER_RE.finditer(norm):
        pos, stop = cluster.start(), cluster.end()
        while pos and norm[pos - 1] in "+(（":  # "+86…", "(+86)…", "(0731)…"
            pos -= 1
        pos = max(pos, prev_end)
        while pos < stop:
            m = _ANY_NUMBER_RE.match(norm, pos)
            hit = None if m is None else _first_hit(text, norm, m, prev_end)
            if hit is not None:
                found.append(hit)
                pos = prev_end = hit[2]
                continue
            nxt = _RUN_START_RE.search(norm, pos + 1, stop)
            if nxt is None:
                break
            pos = nxt.start()
    return found


def _email_hit(original: str, m: re.Match) -> Hit:
    start, end = m.span()
    value = original[start:end]
    at = m.group().rfind("@")
    local = value[:at]
    masked_local = "*" if len(local) <= 1 else local[0] + "*" * min(len(local) - 1, 3)
    return "email", start, end, masked_local + value[at:]


def find_pii(text: str | None) -> list[PiiMatch]:
    """All personal-data occurrences in ``text``, in order of position."""
    if not text:
        return []
    return [PiiMatch(kind, s, e, text[s:e]) for kind, s, e, _ in _scan(text)]


def mask_text(text: str | None) -> tuple[str | None, frozenset[str]]:
    """Return a masked copy of ``text`` and the set of PII kinds found in it.

    ``None`` gives ``(None, frozenset())``.  Text without PII is returned as is
    (the same object).  The result is never longer than the input.
    """
    if not text:
        return text, frozenset()
    parts: list[str] = []
    kinds: set[str] = set()
    pos = 0
    for kind, s, e, masked in _scan(text):
        parts.append(text[pos:s])
        parts.append(masked)
        kinds.add(kind)
        pos = e
    if not kinds:
        return text, frozenset()
    parts.append(text[pos:])
    return "".join(parts), frozenset(kinds)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


def mask_name(name: str | None) -> str | None:
    """Mask an author / user name for roles that may not see it.

    * Chinese names keep their first character: ``张三丰`` -> ``张**``,
      ``张三`` -> ``张*``.
    * Other names / ids keep a little of both ends, the same length:
      ``U0012345`` -> ``U00***45``, ``alice`` -> ``a***e``, ``bob`` -> ``b**``.
    * Names that are (or contain) a phone number, ID number or e-mail are
      masked like in text: ``13812345678`` -> ``138****5678``.
    * ``None`` stays ``None``; empty / whitespace-only stays as given.
    The function is idempotent.
    """
    if name is None:
        return None
    stripped = name.strip()
    if not stripped:
        return name
    masked, kinds = mask_text(stripped)
    if kinds:
        return masked
    if "**" in stripped:  # already masked
        return stripped
    n = len(stripped)
    if _is_cjk(stripped[0]):
        return stripped[0] + "*" * (n - 1)
    if n == 1:
        return "*"
    if n <= 3:
        return stripped[0] + "*" * (n - 1)
    if n <= 6:
        return stripped[0] + "*" * (n - 2) + stripped[-1]
    return stripped[:3] + "*" * (n - 5) + stripped[-2:]
