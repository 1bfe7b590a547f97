"""Vocabulary for the demo-data generator (dashboard.core.demo.generator), read from data/demo/*.toml.

The words live in the project's ``data/demo/`` folder, one TOML file per theme: places,
channels (and their rhythms), departments, texts (item templates), replies, people (authors
and personal data), invalid items, categories, subcategories and incidents. Each file says
in its comments what its tables are for.

Every top-level key of every file becomes an attribute of this module, named in capitals
(``hospitals`` in places.toml is ``HOSPITALS``), with TOML arrays as tuples and tables as
dicts. The files are read once, on first use. A few values are derived here rather than
written out:

* ESTATES, ROADS: every head followed by every tail (``{heads = [...], tails = [...]}``);
* COUNTY_OF_REGION: each region of REGIONS -> its government, ``<region>人民政府``;
* SUBCATEGORIES: ``season`` (month -> volume factor) with whole-number months, ``{}`` when
  absent; ``intros`` None when absent.

To edit the vocabulary, edit the TOML files (UTF-8) and run the tests: names must stay
unique across files, and tests/test_demo.py pins a fingerprint of a small demo, which a
deliberate change to the vocabulary must update. Everything is fictional: the city is "A市"
with districts and counties A1区 … A9市, and every URL uses an example domain.

Templates use ``{slot}`` fields filled per item by the generator; the allowed slot names
are listed in SLOTS, and a template must not contain any other brace. Incident templates
also use ``%name%`` markers fixed once per incident (INCIDENT_MARKERS).
"""
from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from dashboard.core.config import PROJECT_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

DEMO_DIR = PROJECT_ROOT / "data" / "demo"


def _frozen(value):
    """TOML arrays -> tuples, all the way down (tables stay dicts)."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def _read(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


def _joined(parts: dict) -> tuple:
    """Every head followed by every tail, heads outer."""
    return tuple(head + tail for head in parts["heads"] for tail in parts["tails"])


def _subcategory(record: dict) -> dict:
    season = {int(month): factor for month, factor in record.get("season", {}).items()}
    rest = {key: value for key, value in record.items() if key not in ("season", "intros")}
    return rest | {"season": season, "intros": record.get("intros")}


def _derive(names: dict) -> dict:
    names["ESTATES"] = _joined(names["ESTATES"])
    names["ROADS"] = _joined(names["ROADS"])
    names["COUNTY_OF_REGION"] = {region: f"{region}人民政府" for region, _ in names["REGIONS"]}
    names["SUBCATEGORIES"] = {
        category: {name: _subcategory(record) for name, record in subs.items()}
        for category, subs in names["SUBCATEGORIES"].items()
    }
    return names


@cache
def vocabulary() -> dict:
    """Every name of the vocabulary -> its value, read from data/demo/*.toml once."""
    names: dict = {}
    for path in sorted(DEMO_DIR.glob("*.toml")):
        for key, value in _read(path).items():
            if key.upper() in names:
                raise ValueError(f"演示词表 {path.name}：{key} 与其他文件中的名称重复")
            names[key.upper()] = _frozen(value)
    return _derive(names)


def __getattr__(name: str):
    try:
        return vocabulary()[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(vocabulary()))
