"""The region an item names in its title or text, for items whose source gives none.

Two lists of names (rules in data/dicts/README.md, "regions.txt"):
- the city's own names, `data/dicts/regions.txt`, edited by administrators (with parents and aliases);
- the national administrative divisions (province, city, county levels) bundled with jionlp
  (`jionlp/dictionary/china_location.zip`, Apache-2.0), read straight from the zip: importing jionlp
  prints a banner and loads its own segmenter, neither of which is wanted here.

Matching runs on every ingested item, so it never loops over names: one regex finds the characters
that end a place name (省 市 区 县 …) and the few substrings ending at each are looked up in a dict.
"""
from __future__ import annotations

import importlib.util
import logging
import re
import threading
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dashboard.core import store
from dashboard.core.text.tokens import (
    _read_bytes,
    _resolve_dir,
    dictionary_lines,
    files_signature,
)

log = logging.getLogger(__name__)

REGIONS_FILE = "regions.txt"
SUFFIXES = "省市区县州旗盟"
# Levels, most general first; a more specific level wins within one part of the text.
PROVINCE, CITY, COUNTY = 0, 1, 2
_SUFFIX_LEVEL = {"省": PROVINCE, "市": CITY, "州": CITY, "盟": CITY}   # 区 县 旗 and others: COUNTY
# A suffix followed by one of these starts another word (市场, 区域, 省钱, 旗帜 …), not a place name.
CONTINUATIONS = {
    "市": set("场值井面价"),
    "区": set("域别间块位"),   # not 分: "A5区分局" is the district's branch
    "省": set("钱心力略事时得"),
    "旗": set("帜袍杆舰手下"),
    "盟": set("友国约"),
}
# National names that read as everyday words in running text count only right after another place
# name (北京市西城区, 辽宁省海城市): X城区 ("老城区", "河东城区"), names starting with 城 or 市 ("县城东区",
# "B9市北区"), and these ("沿海城市", "顺应城市").
EVERYDAY_NAMES = frozenset({"海城市", "应城市", "山城区"})
_NATIONAL_ROW = re.compile(r"^(\t{0,2})([^\t\r\n]+)\t(\d+)\t[^\r\n]*", re.M)
_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")


@dataclass(frozen=True)
class Place:
    name: str        # as people write it, the value stored in items.region
    level: int       # PROVINCE, CITY or COUNTY
    local: bool      # from regions.txt (preferred over the national list)
    after_place: bool = False   # counts only right after another place name (EVERYDAY_NAMES)


def suffix_level(name: str) -> int:
    return _SUFFIX_LEVEL.get(name[-1], COUNTY) if name else COUNTY


# --------------------------------------------------------------------------- #
# The two lists
# --------------------------------------------------------------------------- #

def parse_regions(data: bytes | None) -> dict[str, Place]:
    """regions.txt: `名称 [上级|-] [别名 …]` per line → {written form: Place}. A name is at least as
    specific as its suffix says (市 = city, 区/县 = county …) and always more specific than its parent."""
    rows = []
    for line in dictionary_lines(data):
        name, *rest = line.split()
        parent = rest[0] if rest and rest[0] != "-" else None
        rows.append((name, parent, rest[1:]))
    parents = {name: parent for name, parent, _ in rows}
    places: dict[str, Place] = {}
    for name, _, aliases in rows:
        place = Place(name, _local_level(name, parents), True)
        for written in (name, *aliases):
            places.setdefault(written, place)
    return places


def _local_level(name: str, parents: dict[str, str | None], seen: frozenset = frozenset()) -> int:
    parent = parents.get(name)
    if parent is None or parent in seen or parent == name:
        return suffix_level(name)
    return max(suffix_level(name), _local_level(parent, parents, seen | {name}) + 1)


def national_zip() -> Path | None:
    """jionlp's bundled division list, found without importing jionlp."""
    spec = importlib.util.find_spec("jionlp")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "dictionary" / "china_location.zip"
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=1)
def national_places() -> dict[str, Place]:
    """Province, city and county full names (never the bare aliases: 长沙 and 中山 are also words and
    street names). Two-character names (东区, 城区, 郊区, 和县) are left out: in text they are far more
    often ordinary words than places; so are the placeholders 省直辖行政区划 / 市直辖行政区划."""
    path = national_zip()
    if path is None:
        log.warning("jionlp is not installed: regions are found from data/dicts/regions.txt only")
        return {}
    with zipfile.ZipFile(path) as archive:
        text = archive.read("china_location.txt").decode("utf-8")
    places: dict[str, Place] = {}
    for match in _NATIONAL_ROW.finditer(text):
        name = match.group(2).strip()
        if len(name) < 3 or name[-1] not in SUFFIXES or "直辖" in name:
            continue
        places.setdefault(name, Place(name, len(match.group(1)), False, is_everyday(name)))
    return places


def is_everyday(name: str) -> bool:
    """A national name that is also a common phrase in running text (see EVERYDAY_NAMES)."""
    return name in EVERYDAY_NAMES or (len(name) == 3 and (name.endswith("城区") or name[0] in "城市"))


# --------------------------------------------------------------------------- #
# Matching
# --------------------------------------------------------------------------- #

class Gazetteer:
    """Finds the region an item names. `find` prefers, in this order: the title over the text (unless the
    title names only a province); a name from regions.txt over a national one; the most specific level;
    the earliest in the text."""

    def __init__(self, local: dict[str, Place], national: dict[str, Place]) -> None:
        self.names: dict[str, Place] = {**national, **local}
        # per suffix character: the name lengths that end with it, longest first
        lengths: dict[str, set[int]] = {}
        for name in self.names:
            lengths.setdefault(name[-1], set()).add(len(name))
        self.lengths = {s: sorted(n, reverse=True) for s, n in lengths.items()}
        # the national names end in SUFFIXES; a local alias may end in any character (星沙)
        self.ends = re.compile("[" + "".join(re.escape(c) for c in sorted(lengths)) + "]") if lengths else None

    def find(self, title: str | None, content: str | None = None) -> str | None:
        """The title's place, else the text's; a title that names only a province gives way to a more
        specific place in the text ("西地省医院…" whose text says A5区 is about A5区)."""
        first = self.best_place(title)
        if first is not None and first.level > PROVINCE:
            return first.name
        second = self.best_place(content)
        if second is not None and (first is None or second.level > first.level):
            return second.name
        return first.name if first is not None else None

    def best(self, text: str) -> str | None:
        """The preferred name in one text (local, then most specific, then earliest), or None."""
        place = self.best_place(text)
        return place.name if place is not None else None

    def best_place(self, text: str | None) -> Place | None:
        if not isinstance(text, str) or not text:   # a missing cell may arrive as NaN
            return None
        best, best_rank = None, None
        for position, place in self.places(text):
            rank = (place.local, place.level, -position)
            if best_rank is None or rank > best_rank:
                best, best_rank = place, rank
        return best

    def places(self, text: str):
        """(start, Place) of every name in `text`, the longest one at each position where a name may end."""
        names, lengths = self.names, self.lengths
        if self.ends is None:
            return
        place_ends = set()
        for match in self.ends.finditer(text):
            end = match.end()
            suffix = match.group()
            if end < len(text) and text[end] in CONTINUATIONS.get(suffix, ()):
                continue
            for size in lengths.get(suffix, ()):
                start = end - size
                if start < 0:
                    continue
                place = names.get(text[start:end])
                if place is None or _glued(text, start) or (place.after_place and start not in place_ends):
                    continue
                place_ends.add(end)
                yield start, place
                break


def _glued(text: str, start: int) -> bool:
    """A name that starts with a Latin letter or digit right after another one ('B9市' is not '9市',
    'AA1区' is not 'A1区')."""
    return start > 0 and bool(_ASCII_ALNUM.match(text[start])) and bool(_ASCII_ALNUM.match(text[start - 1]))


# --------------------------------------------------------------------------- #
# Cache: one gazetteer per dictionary folder, rebuilt when regions.txt changes
# --------------------------------------------------------------------------- #

_cache_lock = threading.Lock()
_cache: dict[str, tuple[Gazetteer, tuple]] = {}


def get_gazetteer(dicts_dir: Path | str | None = None) -> Gazetteer:
    """The gazetteer for `dicts_dir` (default data/dicts). Callers take it once per batch of items, so
    checking regions.txt's signature on every call costs one stat and an edit applies at once."""
    d = _resolve_dir(dicts_dir)
    signature = files_signature(d, (REGIONS_FILE,))
    hit = _cache.get(str(d))
    if hit is not None and hit[1] == signature:
        return hit[0]
    with _cache_lock:
        hit = _cache.get(str(d))
        if hit is None or hit[1] != signature:
            if hit is not None:
                log.info("%s changed; reloading the region list", d / REGIONS_FILE)
            local = parse_regions(_read_bytes(d / REGIONS_FILE))
            hit = (Gazetteer(local, national_places()), signature)
            _cache[str(d)] = hit
        return hit[0]


def clear_gazetteer_cache() -> None:
    """Forget the cached gazetteers (tests; or to force a reload)."""
    with _cache_lock:
        _cache.clear()


# --------------------------------------------------------------------------- #
# Stored items: find their regions again (after regions.txt was edited)
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class DeriveSummary:
    checked: int        # items whose region does not come from their source
    changed: int        # of them, items whose derived region changed
    with_region: int    # of them, items that now have a region from the text


def derive_regions(con, dicts_dir: Path | str | None = None, batch: int = 50_000) -> DeriveSummary:
    """Find the region of every stored item without a source region again, from its raw title and text,
    in batches (each its own transaction; an item with a source region is never touched)."""
    gazetteer = get_gazetteer(dicts_dir)
    checked = changed = found = 0
    after = None
    while True:
        rows = store.run_query(con, "regions/text_batch", after=after, limit=batch)
        if rows.empty:
            return DeriveSummary(checked, changed, found)
        names = [gazetteer.find(title, content) for title, content in
                 zip(rows["title"].tolist(), rows["content"].tolist())]
        ids = rows["id"].tolist()
        changed += _apply_batch(con, ids, names)
        checked += len(ids)
        found += sum(name is not None for name in names)
        after = ids[-1]


def _apply_batch(con, ids: list[str], names: list[str | None]) -> int:
    """One batch's regions and the item_counts of its buckets, in one transaction; how many changed."""
    with store.transaction(con) as cursor:
        rows = store.execute(cursor, "regions/apply_text", item_ids=ids, regions=names).fetchall()
        changed = int(rows[0][0]) if rows else 0
        if changed:
            store.recount_buckets(cursor, store.fetch(cursor, "regions/touched_buckets", item_ids=ids)["bucket"])
    return changed

