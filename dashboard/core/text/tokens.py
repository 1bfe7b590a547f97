"""One tokenizer for the whole dashboard, and the terms that feed word clouds.

Segmentation is deliberate and independent of the backend
-----------------------------------------------------------
The text is first cut into *runs* by one regular expression of our own; only
runs of Han characters (U+4E00-U+9FD5, the range both jieba and jieba-rs treat
as Chinese, together with CJK punctuation) are handed to the segmentation
backend, one call per text.  ``rjieba`` (jieba-rs, fast, the default when
importable) and ``jieba`` (pure Python, the reference) load the same built-in
dictionary and get the same user words with the same frequencies, so
``tokens()`` and ``terms()`` do not depend on the backend.  (One known, tiny
exception: jieba-rs's HMM tables differ from jieba's in the last bits, so the
two can break a floating-point near-tie between equally likely cuttings of
*unknown* characters differently.  That needs periodic runs of unknown
characters such as ``一噪噪噪人``; it was seen ~2 times in 10^4 adversarial
random strings, never in realistic text.)  Everything else is handled here,
in this order:

1. **URLs** (``http://…``, ``www.…``, bare domains such as ``example.com.cn``)
   and **e-mail addresses** (also masked ones like ``z***@example.com``) become
   one token each; they are never terms.
2. **User-dictionary words that contain non-Han characters** (``12345热线``,
   ``Wi-Fi``) are matched as whole words, case-insensitively, with ASCII
   boundaries (``912345热线`` does not match).  As a term they take the
   dictionary's spelling (``wifi`` -> ``WiFi`` if the dictionary says ``WiFi``).
   Such words may also start with Han characters (``新冠COVID``).
3. **Region codes** of the anonymised source data - one capital letter, up to
   two digits and an administrative suffix - are one token and a term:
   ``A市``, ``A5区``, ``K9县``, ``B2镇``, ``C街道``, ``D3社区`` (lower-case
   letters are not region codes).  Not when glued to
   other ASCII (``DATA市`` is ``DATA`` + ``市``), and ``市场`` / ``区域`` are left
   alone (``A市场`` is ``A`` + ``市场``).
4. **Masked numbers** (``138****5678``, ``430102********123X``) are one token,
   never a term.
5. **ASCII words**: letters and digits, joined by single ``-``, ``.`` or ``_``:
   ``Wi-Fi``, ``COVID-19``, ``5G``, ``PM2.5``, ``iPhone15`` are one token each.
   As terms they must contain a letter, be at least 2 characters long and have
   at most 4 digits (``DD2023061500`` is an id, not a word).  Case is kept,
   except for words in the user dictionary (its spelling is used).
   Pure numbers and dates (``2019-04-25``, ``0000-00000000``) are tokens but
   never terms.  Digits glued to Han text are split off: ``3号楼`` -> ``3``,
   ``号楼``.
6. **CJK chunks** (Han characters and CJK / general punctuation) go to the
   backend (HMM on); punctuation comes back as one-character tokens.
7. Whitespace is dropped; any other character (ASCII punctuation, emoji,
   kana, rare CJK outside the range above) is a one-character token and never
   a term.

Full-width letters and digits (``ＣＯＶＩＤ１９``) are read as ASCII.

Terms
-----
``terms()`` keeps content words only: it drops stop words (``stopwords.txt``;
ASCII compared case-insensitively), punctuation, pure numbers, Chinese numerals
with an optional measure word (``三个``, ``两年``, ``第一``, ``万元``), single
characters except a short allow-list of meaningful ones (水 电 气 暖 房 车 路
桥 楼 税 粮 煤 油 狗), URLs, e-mails and masked numbers.

Dictionaries (``data/dicts/``, see its README.md)
-------------------------------------------------
``userdict.txt`` (jieba format ``word [freq] [tag]``) and ``watchwords.txt``
(``word [severity]``; every watch word is also added as a user word so that
``食物中毒`` stays one token) are applied identically to both backends: a word
with an explicit frequency gets that frequency; a word without one is added
with ``DEFAULT_USER_FREQ`` unless the built-in dictionary already knows it
(then it is left alone).  ``stopwords.txt`` lists words separated by line
breaks or spaces.  All files: UTF-8, ``#`` starts a comment (whole line, or
after whitespace at the end of a line), blank lines ignored.  Missing files
count as empty (with a warning in the log).

``get_tokenizer()`` caches one tokenizer per dictionary folder, process-wide,
and rebuilds it when one of the files changes (checked at most once a second).
``Tokenizer.fingerprint`` / ``dicts_fingerprint()`` identify the dictionary
contents *and* the segmentation rules (``TERMS_RULES_VERSION``), so stored
terms can say what produced them.

A built ``Tokenizer`` is immutable and safe to share between threads.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from dashboard.core.config import PROJECT_ROOT

__all__ = [
    "Tokenizer",
    "get_tokenizer",
    "clear_tokenizer_cache",
    "dicts_fingerprint",
    "default_dicts_dir",
    "load_watchwords",
    "load_stopwords",
    "load_userdict",
    "UserWord",
    "DICT_FILES",
    "USERDICT_FILE",
    "STOPWORDS_FILE",
    "WATCHWORDS_FILE",
    "DEFAULT_USER_FREQ",
    "DEFAULT_SEVERITY",
    "SEVERITIES",
    "SINGLE_CHAR_TERMS",
    "TERMS_RULES_VERSION",
]

log = logging.getLogger(__name__)

USERDICT_FILE = "userdict.txt"
STOPWORDS_FILE = "stopwords.txt"
WATCHWORDS_FILE = "watchwords.txt"
DICT_FILES = (USERDICT_FILE, STOPWORDS_FILE, WATCHWORDS_FILE)

# Bump when the segmentation / term rules in this module change in a way that
# changes stored terms; it is part of the fingerprint.
TERMS_RULES_VERSION = "terms-v1"

# Frequency for a user word without one that the built-in dictionary does not
# know (about as common as 热线 / 火灾 in jieba's dictionary).
DEFAULT_USER_FREQ = 500

SEVERITIES = ("高", "中", "低")
DEFAULT_SEVERITY = "中"
_SEVERITY_ALIASES = {
    "高": "高", "high": "高", "h": "高", "3": "高",
    "中": "中", "medium": "中", "mid": "中", "m": "中", "2": "中",
    "低": "低", "low": "低", "l": "低", "1": "低",
}
_SEVERITY_RANK = {"低": 0, "中": 1, "高": 2}

# Single characters that still mean something in government messages.
SINGLE_CHAR_TERMS = frozenset("水电气暖房车路桥楼税粮煤油狗")

_HAN = "\u4e00-\u9fd5"
_HAN_WORD_RE = re.compile(f"[{_HAN}]+")
_NUMERAL_TERM_RE = re.compile(
    "第?[零〇一二三四五六七八九十百千万亿两几]+[个次年月日号天周点分秒倍条件项名位人元块岁多余层栋楼户间只台辆套张份批斤米亩]?"
)
_FULLWIDTH_ALNUM_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_FULLWIDTH_ALNUM_TABLE = {
    cp: cp - 0xFEE0
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for cp in range(lo, hi + 1)
}
_LETTER_RE = re.compile("[A-Za-z]")
_TERM_KINDS = frozenset({"ascii", "prot", "region"})
_MEMO_LIMIT = 100_000  # tokens remembered per tokenizer by terms()

_URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
_PATTERN_URL = (
    rf"(?P<url>(?:(?:https?|ftp)://|www\.){_URL_CHARS}+"
    r"|(?<![A-Za-z0-9.\-@])(?:[A-Za-z0-9\-]+\.)+"
    r"(?:com|cn|net|org|gov|edu|info|top|xyz|cc|io|me|tv|biz|hk|tw)(?![A-Za-z0-9\-])"
    rf"(?:[/:]{_URL_CHARS}*)?)"
)
_PATTERN_EMAIL = r"(?P<email>[A-Za-z0-9._%+\-*]+[@\uff20][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)"
_PATTERN_REGION = (
    r"(?P<region>(?<![A-Za-z0-9])[A-Z][0-9]{0,2}"
    r"(?:街道|社区|市(?!场)|区(?!域)|县|镇|乡|村|省|州|旗))"
)
_PATTERN_MASKED = r"(?P<masked>[0-9A-Za-z]*[*\uff0a]{2,}[0-9A-Za-z]*)"
_PATTERN_ASCII = r"(?P<ascii>[A-Za-z0-9]+(?:[\-._][A-Za-z0-9]+)*)"
_PATTERN_REST = r"(?P<space>\s+)|(?P<other>.)"
# A "CJK chunk" is handed to the backend in one call: Han characters
# (U+4E00-U+9FD5) and common CJK / general punctuation and symbols, which both
# backends treat as separators (one token per character).  Everything else that
# is neither ASCII nor whitespace (emoji, kana, rare ideographs, which jieba-rs
# would treat as Han and jieba would not) is a one-character "other" token.
_CJK_CHUNK_CHAR = (
    "[\u4e00-\u9fd5\u3001-\u303f\u2010-\u2027\u2030-\u205e\u00a1-\u00bf\u00d7\u00f7"
    "\u2190-\u21ff\u2460-\u24ff\u25a0-\u27bf"
    "\uff01-\uff09\uff0b-\uff0f\uff1a-\uff1f\uff3b-\uff40\uff5b-\uff65]"
)


def default_dicts_dir() -> Path:
    """``data/dicts`` under the project root."""
    return PROJECT_ROOT / "data" / "dicts"


def _resolve_dir(dicts_dir: str | Path | None) -> Path:
    return (Path(dicts_dir).expanduser() if dicts_dir is not None else default_dicts_dir()).resolve()


# --------------------------------------------------------------------------- #
# Dictionary files
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class UserWord:
    word: str
    freq: int | None = None
    tag: str | None = None


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def dictionary_lines(data: bytes | None) -> Iterable[str]:
    """Meaningful lines: UTF-8 (BOM ok), stripped, no blanks, no '#' comments.

    A comment is a line starting with '#', or ' #…' at the end of a line.
    """
    if not data:
        return
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Files saved by Windows editors in the Chinese locale are often GBK.
        log.warning("dictionary file is not UTF-8; reading it as GB18030")
        decoded = data.decode("gb18030", errors="replace")
    for raw in decoded.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cut = re.search(r"\s#", line)
        if cut:
            line = line[: cut.start()].rstrip()
        if line:
            yield line


def _parse_userdict(data: bytes | None) -> list[UserWord]:
    words: list[UserWord] = []
    for line in dictionary_lines(data):
        parts = line.split()
        word, freq, tag = parts[0], None, None
        rest = parts[1:]
        if rest and rest[0].isdigit():
            freq = max(1, int(rest[0]))  # 0 ("delete") is not supported
            rest = rest[1:]
        if rest:
            tag = rest[0]
        words.append(UserWord(word, freq, tag))
    return words


def _parse_stopwords(data: bytes | None) -> frozenset[str]:
    out: set[str] = set()
    for line in dictionary_lines(data):
        for word in line.split():
            word = word.translate(_FULLWIDTH_ALNUM_TABLE)
            out.add(word)
            out.add(word.casefold())
    return frozenset(out)


def _parse_watchwords(data: bytes | None, source: str = WATCHWORDS_FILE) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in dictionary_lines(data):
        parts = line.split()
        word = parts[0]
        severity = DEFAULT_SEVERITY
        if len(parts) > 1:
            alias = _SEVERITY_ALIASES.get(parts[1].casefold())
            if alias is None:
                log.warning("%s: unknown severity %r for %r, using %s", source, parts[1], word, DEFAULT_SEVERITY)
            else:
                severity = alias
        # A word listed twice keeps its highest severity.
        if word not in out or _SEVERITY_RANK[severity] > _SEVERITY_RANK[out[word]]:
            out[word] = severity
    return out


def load_userdict(dicts_dir: str | Path | None = None) -> list[UserWord]:
    """Entries of ``userdict.txt`` (missing file: empty list)."""
    return _parse_userdict(_read_bytes(_resolve_dir(dicts_dir) / USERDICT_FILE))


def load_stopwords(dicts_dir: str | Path | None = None) -> frozenset[str]:
    """Words of ``stopwords.txt`` (also their case-folded forms)."""
    return _parse_stopwords(_read_bytes(_resolve_dir(dicts_dir) / STOPWORDS_FILE))


def load_watchwords(dicts_dir: str | Path | None = None) -> dict[str, str]:
    """``watchwords.txt`` as ``{word: severity}``, severity one of 高 / 中 / 低.

    Format: ``word [severity]`` per line; the severity defaults to 中 and may
    also be written high/medium/low (h/m/l, 3/2/1).  Unknown severities are
    logged and replaced by the default; a word listed twice keeps the highest.
    """
    path = _resolve_dir(dicts_dir) / WATCHWORDS_FILE
    return _parse_watchwords(_read_bytes(path), str(path))


def _fingerprint_of(contents: dict[str, bytes | None]) -> str:
    h = hashlib.sha256()
    h.update(TERMS_RULES_VERSION.encode() + b"\0")
    for name in DICT_FILES:
        data = contents.get(name)
        h.update(name.encode() + b"\0")
        h.update(b"<missing>" if data is None else hashlib.sha256(data).digest())
        h.update(b"\0")
    return h.hexdigest()


def dicts_fingerprint(dicts_dir: str | Path | None = None) -> str:
    """sha256 (hex) over the dictionary files and ``TERMS_RULES_VERSION``."""
    d = _resolve_dir(dicts_dir)
    return _fingerprint_of({name: _read_bytes(d / name) for name in DICT_FILES})


# --------------------------------------------------------------------------- #
# Backends
# --------------------------------------------------------------------------- #

class _RjiebaBackend:
    name = "rjieba"

    def __init__(self) -> None:
        import rjieba

        self._jieba = rjieba.Jieba()

    def has_word(self, word: str) -> bool:
        return bool(self._jieba.has_word(word))

    def add_word(self, word: str, freq: int, tag: str | None) -> None:
        self._jieba.add_word(word, freq, tag)

    def cut(self, text: str) -> list[str]:
        return self._jieba.cut(text, True)


class _JiebaBackend:
    name = "jieba"

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()

    def has_word(self, word: str) -> bool:
        return bool(self._jieba.FREQ.get(word))

    def add_word(self, word: str, freq: int, tag: str | None) -> None:
        old = self._jieba.FREQ.get(word, 0)
        self._jieba.add_word(word, freq, tag)
        # jieba adds the new frequency to the total without removing the old
        # one; jieba-rs replaces it.  Follow jieba-rs so both agree exactly.
        self._jieba.total -= old

    def cut(self, text: str) -> list[str]:
        return list(self._jieba.cut(text, HMM=True))


def _make_backend(backend: str):
    if backend not in ("auto", "rjieba", "jieba"):
        raise ValueError(f"unknown tokenizer backend {backend!r} (auto, rjieba, jieba)")
    if backend in ("auto", "rjieba"):
        try:
            return _RjiebaBackend()
        except ImportError:
            if backend == "rjieba":
                raise
    return _JiebaBackend()


# --------------------------------------------------------------------------- #
# Tokenizer
# --------------------------------------------------------------------------- #

class Tokenizer:
    """Segmentation + term extraction with the dictionaries in ``dicts_dir``."""

    def __init__(self, dicts_dir: Path | str | None = None, backend: str = "auto") -> None:
        self.dicts_dir = _resolve_dir(dicts_dir)
        contents = {name: _read_bytes(self.dicts_dir / name) for name in DICT_FILES}
        for name, data in contents.items():
            if data is None:
                log.warning("dictionary file %s is missing; using none", self.dicts_dir / name)
        self.fingerprint = _fingerprint_of(contents)

        self._backend = _make_backend(backend)
        self.backend = self._backend.name
        self._cut = self._backend.cut

        self.user_words: tuple[UserWord, ...] = tuple(_parse_userdict(contents[USERDICT_FILE]))
        self.stopwords: frozenset[str] = _parse_stopwords(contents[STOPWORDS_FILE])
        self.watchwords: dict[str, str] = _parse_watchwords(contents[WATCHWORDS_FILE])

        protected: dict[str, str] = {}  # casefolded -> dictionary spelling
        entries = list(self.user_words) + [UserWord(w) for w in self.watchwords]
        for entry in entries:
            word = entry.word
            if not _HAN_WORD_RE.fullmatch(word):
                word = word.translate(_FULLWIDTH_ALNUM_TABLE)
                protected.setdefault(word.casefold(), word)
                continue
            freq = entry.freq
            if freq is None:
                if self._backend.has_word(word):
                    continue
                freq = DEFAULT_USER_FREQ
            self._backend.add_word(word, freq, entry.tag)
        self._canonical = protected
        # token -> term ("" = not a term).  Filled lazily by terms(); sharing a
        # plain dict between threads is safe here (racing writers store equal values).
        self._term_memo: dict[str, str] = {}
        self._regex = self._build_regex(sorted(protected.values(), key=lambda w: (-len(w), w)))

    @staticmethod
    def _build_regex(protected: list[str]) -> re.Pattern[str]:
        parts = []
        han_starting: list[str] = []
        if protected:
            alts = []
            for w in protected:
                p = re.escape(w)
                if re.match("[A-Za-z0-9]", w):
                    p = "(?<![A-Za-z0-9])" + p
                if re.search("[A-Za-z0-9]$", w):
                    p += "(?![A-Za-z0-9])"
                alts.append(p)
                if _HAN_WORD_RE.match(w):
                    han_starting.append(re.escape(w))
            parts.append("(?P<prot>(?i:" + "|".join(alts) + "))")
        if han_starting:
            # Stop a CJK chunk where a protected word that starts with Han begins.
            parts.append(f"(?P<cjk>(?:(?!(?i:{'|'.join(han_starting)})){_CJK_CHUNK_CHAR})+)")
        else:
            parts.append(f"(?P<cjk>{_CJK_CHUNK_CHAR}+)")
        parts += [_PATTERN_URL, _PATTERN_EMAIL, _PATTERN_REGION, _PATTERN_MASKED, _PATTERN_ASCII, _PATTERN_REST]
        return re.compile("|".join(parts), re.DOTALL)

    def __repr__(self) -> str:
        return f"Tokenizer(dicts_dir={str(self.dicts_dir)!r}, backend={self.backend!r})"

    # -- segmentation ------------------------------------------------------ #

    def _segments(self, text: str) -> list[tuple[str, str]]:
        """(kind, token) pairs; kind is one of cjk (backend output: words and
        punctuation), url, email, prot, region, masked, ascii, other
        (whitespace dropped)."""
        if not text:
            return []
        if _FULLWIDTH_ALNUM_RE.search(text):
            text = text.translate(_FULLWIDTH_ALNUM_TABLE)
        matches = [(m.lastgroup, m.group()) for m in self._regex.finditer(text)]
        return self._merge(matches, self._cut("\n".join([g for k, g in matches if k == "cjk"])))

    @staticmethod
    def _merge(matches: list[tuple[str, str]], cut: list[str]) -> list[tuple[str, str]]:
        """The regex matches with each CJK chunk replaced by its tokens from `cut`
        (one backend call for all chunks, joined by newlines, which both backends
        return as separate "\n" tokens)."""
        toks = iter(cut)
        out: list[tuple[str, str]] = []
        for kind, group in matches:
            if kind == "cjk":
                for tok in toks:
                    if tok == "\n":
                        break
                    out.append((kind, tok))
            elif kind != "space":
                out.append((kind, group))
        return out

    def tokens(self, text: str | None) -> list[str]:
        """Raw segmentation: every token except whitespace, in order."""
        return [tok for _, tok in self._segments(text or "")]

    def terms(self, text: str | None) -> list[str]:
        """Content terms for word clouds, in order (with repeats)."""
        if not text:
            return []
        if _FULLWIDTH_ALNUM_RE.search(text):
            text = text.translate(_FULLWIDTH_ALNUM_TABLE)
        matches = [(m.lastgroup, m.group()) for m in self._regex.finditer(text)]
        # One backend call per text: CJK chunks joined by newlines, which both
        # backends return as separate "\n" tokens.
        toks = iter(self._cut("\n".join([g for k, g in matches if k == "cjk"])))
        memo_get = self._term_memo.get
        classify = self._classify
        out: list[str] = []
        append = out.append
        for kind, group in matches:
            if kind == "cjk":
                for tok in toks:
                    if tok == "\n":
                        break
                    term = memo_get(tok)
                    if term is None:
                        term = classify(kind, tok)
                    if term:
                        append(term)
            elif kind in _TERM_KINDS:
                term = memo_get(group)
                if term is None:
                    term = classify(kind, group)
                if term:
                    append(term)
            # url, email, masked, other: never terms
        return out

    def _classify(self, kind: str, tok: str) -> str:
        """The term a token stands for, or "" if it is not a term.  Memoised
        (the token's text determines its kind, so the memo is keyed by text)."""
        stop = self.stopwords
        term = ""
        if kind == "cjk":
            if len(tok) == 1:
                if tok in SINGLE_CHAR_TERMS and tok not in stop:
                    term = tok
            elif tok not in stop and _NUMERAL_TERM_RE.fullmatch(tok) is None:
                term = tok
        elif kind == "ascii":
            folded = tok.casefold()
            if (
                len(tok) >= 2
                and _LETTER_RE.search(tok)
                and sum(c.isdigit() for c in tok) <= 4
                and folded not in stop
            ):
                term = self._canonical.get(folded, tok)
        elif kind == "prot":
            canon = self._canonical.get(tok.casefold(), tok)
            if canon not in stop and canon.casefold() not in stop:
                term = canon
        elif kind == "region":
            if tok not in stop:
                term = tok
        if len(self._term_memo) < _MEMO_LIMIT:
            self._term_memo[tok] = term
        return term

    def term_counts(self, text: str | None) -> dict[str, int]:
        """``{term: count}`` for one text."""
        return dict(Counter(self.terms(text)))

    def analyse(self, text: str | None) -> tuple[list[str], dict[str, int]]:
        """``(tokens(text), term_counts(text))`` from ONE segmentation pass.

        Ingest uses it to store the word-cloud terms and score sentiment from
        the same cut (see ``dashboard.core.text.sentiment.score_tokens``).
        """
        if not text:
            return [], {}
        if _FULLWIDTH_ALNUM_RE.search(text):
            text = text.translate(_FULLWIDTH_ALNUM_TABLE)
        matches = [(m.lastgroup, m.group()) for m in self._regex.finditer(text)]
        cut = self._cut("\n".join([g for k, g in matches if k == "cjk"]))
        # The hot path of ingest, so no per-token Python work beyond one memo lookup per
        # distinct token: the chunks' tokens are spliced in by slicing at the "\n"s.
        tokens, kinds, pos = [], {}, 0
        for kind, group in matches:
            if kind == "cjk":
                try:
                    end = cut.index("\n", pos)
                except ValueError:
                    end = len(cut)
                tokens.extend(cut[pos:end])
                pos = end + 1
            elif kind != "space":
                tokens.append(group)
                kinds[group] = kind  # a non-CJK match never equals a backend token
        memo_get = self._term_memo.get
        classify = self._classify
        counts: dict[str, int] = {}
        for tok, count in Counter(tokens).items():  # first-occurrence order, like term_counts()
            term = memo_get(tok)
            if term is None:
                kind = kinds.get(tok, "cjk")
                if kind != "cjk" and kind not in _TERM_KINDS:
                    continue
                term = classify(kind, tok)
            if term:
                counts[term] = counts.get(term, 0) + count
        return tokens, counts


# --------------------------------------------------------------------------- #
# Process-wide cache
# --------------------------------------------------------------------------- #

_RECHECK_SECONDS = 1.0
_cache_lock = threading.Lock()
_cache: dict[tuple[str, str], "_CacheEntry"] = {}


@dataclass
class _CacheEntry:
    tokenizer: Tokenizer
    signature: tuple
    checked_at: float
    lock: threading.Lock


def files_signature(d: Path, names: Iterable[str] = DICT_FILES) -> tuple:
    """(name, mtime, size) of each file: changes when any of them is edited, added or removed."""
    sig = []
    for name in names:
        try:
            st = (d / name).stat()
            sig.append((name, st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            sig.append((name, None, None))
    return tuple(sig)


def get_tokenizer(dicts_dir: str | Path | None = None, backend: str = "auto") -> Tokenizer:
    """The shared tokenizer for ``dicts_dir`` (default ``data/dicts``).

    Thread-safe; built once per folder and rebuilt when a dictionary file
    changes (checked at most once a second).  While a rebuild runs, other
    threads keep using the previous tokenizer.
    """
    d = _resolve_dir(dicts_dir)
    key = (str(d), backend)
    now = time.monotonic()
    entry = _cache.get(key)
    if entry is not None:
        if now - entry.checked_at < _RECHECK_SECONDS:
            return entry.tokenizer
        if not entry.lock.acquire(blocking=False):
            return entry.tokenizer  # another thread is checking / rebuilding
        try:
            sig = files_signature(d)
            if sig != entry.signature:
                log.info("dictionary files in %s changed; rebuilding tokenizer", d)
                try:
                    entry.tokenizer = Tokenizer(d, backend)
                except Exception:  # keep serving the old one until the files change again
                    log.exception("could not rebuild the tokenizer for %s; keeping the previous one", d)
                entry.signature = sig
            entry.checked_at = time.monotonic()
            return entry.tokenizer
        finally:
            entry.lock.release()
    with _cache_lock:
        entry = _cache.get(key)
        if entry is None:
            sig = files_signature(d)
            entry = _CacheEntry(Tokenizer(d, backend), sig, time.monotonic(), threading.Lock())
            _cache[key] = entry
        return entry.tokenizer


def clear_tokenizer_cache() -> None:
    """Forget all cached tokenizers (tests; or to force a reload)."""
    with _cache_lock:
        _cache.clear()
