"""Detection and masking of personal data (PII) in message text.

Runs on every item at ingest, so it is built for speed: precompiled regular
expressions; a cheap pre-check skips texts that cannot contain anything (no
cluster of 7 digits with at most one separator between them, and no '@'); the
number patterns are only tried where a digit run starts inside such a cluster.

What is detected (``PiiMatch.kind``):

``mobile``
    Mainland mobile numbers: 11 digits ``1[3-9]x xxxx xxxx``, contiguous or
    grouped 3-4-4 by a hyphen / dash / space (``138-1234-5678``,
    ``138 1234 5678``), optionally prefixed with ``+86`` / ``86`` / ``0086``.
``id_card``
    Resident ID numbers. 18 characters: first digit 1-9, a real birth date
    between 1900-01-01 and today, and a correct GB 11643-1999 ISO 7064 mod 11-2
    check character (``X``/``x`` allowed).  15-digit legacy numbers: a real
    birth date 19YYMMDD (they have no check digit).  Written without
    separators.
``landline``
    Area code + local number: ``010``/``02x`` + 8 digits, ``03xx``-``09xx`` +
    7 or 8 digits; the local number starts with 2-9.  Separated by ``-`` or a
    space, contiguous, or with the area code in (half- or full-width)
    parentheses: ``0731-84567890``, ``(0731)84567890``, ``（0731）8456789``.
    An extension (``-123``, ``转123``, ``分机123``, ``ext 123``) is part of the
    match but is not masked.  Local numbers without an area code are not
    detected (indistinguishable from other 7-8 digit numbers).
``email``
    ``local@domain.tld`` (also with a full-width ``＠``).

Every numeric match needs digit boundaries (no digit directly before or
after), so longer digit runs such as 19-digit order numbers or bank card
numbers never yield a phone or ID number.  Numbers whose digits are all zero
(the source data masks phones as ``0000-00000000``) are treated as already
masked.  Full-width digits (``１３８…``) are recognised.

Masking keeps the shape and a little context, and never makes the text longer:

=========  ==========================  =========================
kind       value                       masked
=========  ==========================  =========================
mobile     ``13812345678``             ``138****5678``
mobile     ``+86 138-1234-5678``       ``+86 138-****-5678``
id_card    ``43010219900307104X``      ``430102********104X``
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

__all__ = ["PiiMatch", "PII_KINDS", "find_pii", "mask_text", "mask_name"]

PII_KINDS = frozenset({"mobile", "id_card", "landline", "email"})


@dataclass(frozen=True, slots=True)
class PiiMatch:
    kind: str  # 'mobile' | 'id_card' | 'landline' | 'email'
    start: int
    end: int
    value: str


# --------------------------------------------------------------------------- #
# Patterns
# --------------------------------------------------------------------------- #

# Separators allowed between digit groups (hyphen, dashes, full-width
# hyphen-minus, spaces).
_SEP = r"[ \-\u2010-\u2014\u3000\uff0d]"
_NB = r"(?<![0-9])"  # no digit directly before
_NA = r"(?![0-9])"  # no digit directly after

_EMAIL = (
    r"(?P<email>(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@"
    r"[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24})"
)
_MOBILE = (
    _NB
    + r"(?P<mobile>(?P<mprefix>(?:\+|00)?86" + _SEP + r"?)?"
    r"1[3-9][0-9]" + _SEP + r"?[0-9]{4}" + _SEP + r"?[0-9]{4})" + _NA
)
_ID18 = (
    _NB
    + r"(?P<id18>[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx])(?![0-9Xx])"
)
_ID15 = (
    _NB
    + r"(?P<id15>[1-9][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})"
    r"(?![0-9Xx])"
)
_AREA3 = r"0(?:10|2[0-9])"
_AREA4 = r"0[3-9][0-9]{2}"
_EXT = r"(?P<lext>[ \t]*(?:-|转|分机|[Ee][Xx][Tt]\.?|[Xx])[ \t]*[0-9]{1,5}" + _NA + r")?"
_LANDLINE = (
    _NB
    + r"(?P<landline>"
    r"(?P<larea>[(（]" + _AREA3 + r"[)）]" + _SEP + r"?(?=[2-9][0-9]{7}" + _NA + r")"
    r"|" + _AREA3 + _SEP + r"?(?=[2-9][0-9]{7}" + _NA + r")"
    r"|[(（]" + _AREA4 + r"[)）]" + _SEP + r"?"
    r"|" + _AREA4 + _SEP + r"?)"
    r"(?P<llocal>[2-9][0-9]{6,7})" + _NA + _EXT + r")"
)

_EMAIL_RE = re.compile(_EMAIL)
_NUMBER_RE = re.compile("|".join([_MOBILE, _ID18, _ID15, _LANDLINE]))

# Candidate clusters: 7+ digits with at most one separator / parenthesis
# between consecutive digits.  Texts without one (and without '@') are skipped
# at once; inside a cluster the number patterns are tried only where a digit
# run (or a '+' / '(' just before one) starts.
_D = "0-9\uff10-\uff19"  # ASCII and full-width digits
_CLUSTER_RE = re.compile(f"[{_D}](?:[ \\-\u2010-\u2014\u3000\uff0d()（）]?[{_D}]){{6,}}")
_RUN_START_RE = re.compile(r"(?<![0-9])[0-9+(（]")

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
    total = 0
    for w, ch in zip(_ID_WEIGHTS, number):
        total += w * (ord(ch) - 48)
    return _ID_CHECK[total % 11] == number[17].upper()


def _all_zero(s: str) -> bool:
    return not any("1" <= c <= "9" for c in s)


def _star_chars(value: str, positions: set[int]) -> str:
    return "".join("*" if i in positions else c for i, c in enumerate(value))


# --------------------------------------------------------------------------- #
# Scanning
# --------------------------------------------------------------------------- #

def _scan(text: str) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, masked_value) for every PII occurrence, by position."""
    has_at = "@" in text or "\uff20" in text
    if not has_at and _CLUSTER_RE.search(text) is None:
        return []
    # Full-width digits are rare; only normalise when they are present.
    norm = text.translate(_FULLWIDTH_TABLE) if _FULLWIDTH_TRIGGER_RE.search(text) else text
    found: list[tuple[str, int, int, str]] = []
    for cluster in _CLUSTER_RE.finditer(norm):
        pos, stop = cluster.start(), cluster.end()
        if pos and norm[pos - 1] in "+(（":
            pos -= 1
        while pos < stop:
            m = _NUMBER_RE.match(norm, pos)
            if m is not None:
                hit = _number_hit(text, m)
                if hit is not None:
                    found.append(hit)
                    pos = m.end()
                    continue
            nxt = _RUN_START_RE.search(norm, pos + 1, stop)
            if nxt is None:
                break
            pos = nxt.start()
    if "@" in norm:
        emails = [_email_hit(text, m) for m in _EMAIL_RE.finditer(norm)]
        if emails:
            # An e-mail wins over a number inside it (13812345678@qq.com).
            found = [h for h in found if not any(e[1] < h[2] and h[1] < e[2] for e in emails)]
            found.extend(emails)
            found.sort(key=lambda h: h[1])
    return found


def _email_hit(original: str, m: re.Match) -> tuple[str, int, int, str]:
    start, end = m.span()
    value = original[start:end]
    at = m.group().rfind("@")
    local = value[:at]
    masked_local = "*" if len(local) <= 1 else local[0] + "*" * min(len(local) - 1, 3)
    return "email", start, end, masked_local + value[at:]


def _number_hit(original: str, m: re.Match) -> tuple[str, int, int, str] | None:
    if m.group("mobile") is not None:
        start, end = m.span("mobile")
        digits = m.group("mobile")
        if _all_zero(digits):
            return None
        # Mask digits 4-7 of the 11-digit national number (prefix untouched).
        national_start = m.end("mprefix") - start if m.group("mprefix") else 0
        positions: set[int] = set()
        seen = 0
        for i in range(national_start, len(digits)):
            if "0" <= digits[i] <= "9":
                if 3 <= seen <= 6:
                    positions.add(i)
                seen += 1
        return "mobile", start, end, _star_chars(original[start:end], positions)
    if m.group("id18") is not None:
        number = m.group("id18")
        if not _plausible_date(int(number[6:10]), int(number[10:12]), int(number[12:14])):
            return None
        if not id_checksum_ok(number):
            return None
        start, end = m.span("id18")
        value = original[start:end]
        return "id_card", start, end, value[:6] + "*" * 8 + value[14:]
    if m.group("id15") is not None:
        number = m.group("id15")
        if not _plausible_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])):
            return None
        start, end = m.span("id15")
        value = original[start:end]
        return "id_card", start, end, value[:6] + "*" * 5 + value[11:]
    # landline
    start, end = m.span("landline")
    if _all_zero(m.group("llocal")):
        return None
    ls, le = m.span("llocal")
    value = original[start:end]
    n_hidden = (le - ls) - 4
    rel = ls - start
    return "landline", start, end, value[:rel] + "*" * n_hidden + value[rel + n_hidden:]


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
