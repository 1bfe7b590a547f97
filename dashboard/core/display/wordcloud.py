"""Word-cloud images from term frequencies, drawn with a CJK font. No streamlit, nothing fetched.

The wordcloud package's default font (DroidSansMono) has no Chinese glyphs: every character would
be drawn as a box. We use Noto Sans SC (OFL-1.1) from the `pylopdf-fonts-zh-cn` wheel, pinned in
requirements.txt. Terms with a character the font does not cover (emoji, rare symbols) are left out
rather than drawn as boxes. The layout is deterministic (fixed random_state): the same frequencies
always give the same picture.
"""
from __future__ import annotations

import io
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from PIL import Image

__all__ = [
    "RANDOM_STATE",
    "drawable",
    "font_codepoints",
    "font_path",
    "missing_chars",
    "render_wordcloud",
    "wordcloud_png",
]

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"
RANDOM_STATE = 7
MAX_WORDS = 150


@lru_cache(maxsize=1)
def font_path() -> Path:
    """The Noto Sans SC .otf shipped in the font package (FileNotFoundError when it is not installed)."""
    from importlib import resources

    try:
        path = Path(str(resources.files(FONT_PACKAGE).joinpath(FONT_FILE)))
    except ModuleNotFoundError as exc:
        raise FileNotFoundError(
            f"缺少中文字体包 {FONT_PACKAGE}（pip install -r requirements.txt）") from exc
    if not path.is_file():
        raise FileNotFoundError(f"中文字体文件不存在：{path}")
    return path


@lru_cache(maxsize=1)
def font_codepoints() -> frozenset[int] | None:
    """Every code point the font maps to a glyph (None when fontTools is not available)."""
    try:
        from fontTools.ttLib import TTFont
    except ImportError:   # fontTools comes with matplotlib (a wordcloud dependency); be safe anyway
        return None
    font = TTFont(str(font_path()), lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def missing_chars(text: str) -> list[str]:
    """The characters of `text` the font has no glyph for (whitespace never counts)."""
    covered = font_codepoints()
    if covered is None:
        return []
    return [ch for ch in dict.fromkeys(text) if not ch.isspace() and ord(ch) not in covered]


def drawable(frequencies: Mapping[str, int | float]) -> dict[str, float]:
    """The terms worth drawing: non-empty, positive count, every character covered by the font."""
    out: dict[str, float] = {}
    for term, count in frequencies.items():
        term = str(term).strip() if term is not None else ""
        try:
            value = float(count)
        except (TypeError, ValueError):
            continue
        if term and value > 0 and not missing_chars(term):
            out[term] = out.get(term, 0.0) + value
    return out


def render_wordcloud(frequencies: Mapping[str, int | float], width: int = 800, height: int = 400,
                     max_words: int = MAX_WORDS, random_state: int = RANDOM_STATE) -> Image.Image | None:
    """A word cloud of `frequencies` (term -> count) as a PIL image; None when nothing can be drawn."""
    from wordcloud import WordCloud

    words = drawable(frequencies)
    if not words:
        return None
    cloud = WordCloud(font_path=str(font_path()), width=width, height=height, background_color="white",
                      max_words=max_words, random_state=random_state, prefer_horizontal=0.9,
                      collocations=False, normalize_plurals=False, colormap="tab10", margin=4)
    cloud.generate_from_frequencies(words)
    return cloud.to_image()


def wordcloud_png(frequencies: Mapping[str, int | float], width: int = 800, height: int = 400) -> bytes | None:
    """render_wordcloud() as PNG bytes (what a page shows or caches); None when nothing can be drawn."""
    image = render_wordcloud(frequencies, width, height)
    if image is None:
        return None
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
