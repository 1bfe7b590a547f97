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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "RANDOM_STATE",
    "PlacedWord",
    "drawable",
    "font_codepoints",
    "font_path",
    "missing_chars",
    "placed_words",
    "render_wordcloud",
    "wordcloud_layout",
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


@dataclass(frozen=True)
class PlacedWord:
    """Where a word was drawn: the centre and size of its box, in pixels from the image's top left."""

    word: str
    count: float
    x: float
    y: float
    width: float
    height: float


def _cloud(frequencies: Mapping[str, int | float], width: int, height: int, max_words: int, random_state: int):
    from wordcloud import WordCloud

    words = drawable(frequencies)
    if not words:
        return None, {}
    cloud = WordCloud(font_path=str(font_path()), width=width, height=height, background_color="white",
                      max_words=max_words, random_state=random_state, prefer_horizontal=0.9,
                      collocations=False, normalize_plurals=False, colormap="tab10", margin=4)
    return cloud.generate_from_frequencies(words), words


@lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont:
    """The cloud's font at one size, read from disk once (a cloud has a few dozen sizes, 150 words)."""
    return ImageFont.truetype(str(font_path()), size)


def placed_words(cloud, counts: Mapping[str, float]) -> list[PlacedWord]:
    """Every word of a generated WordCloud with its box: measured as the package measures it when it
    places the word (the same font, size and rotation, anchored at the top left)."""
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    placed = []
    for (word, _), size, (top, left), orientation, _ in cloud.layout_:
        font = ImageFont.TransposedFont(_font(int(size)), orientation=orientation)
        _, _, box_width, box_height = draw.textbbox((0, 0), word, font=font, anchor="lt")
        placed.append(PlacedWord(word, float(counts[word]), float(left + box_width / 2), float(top + box_height / 2),
                                 float(box_width), float(box_height)))
    return placed


def wordcloud_layout(frequencies: Mapping[str, int | float], width: int = 800, height: int = 400,
                     max_words: int = MAX_WORDS, random_state: int = RANDOM_STATE
                     ) -> tuple[bytes, list[PlacedWord]] | None:
    """The PNG of the cloud and where each word sits on it (what a clickable cloud needs); None when
    nothing can be drawn."""
    cloud, words = _cloud(frequencies, width, height, max_words, random_state)
    if cloud is None:
        return None
    return _png(cloud.to_image()), placed_words(cloud, words)


def render_wordcloud(frequencies: Mapping[str, int | float], width: int = 800, height: int = 400,
                     max_words: int = MAX_WORDS, random_state: int = RANDOM_STATE) -> Image.Image | None:
    """A word cloud of `frequencies` (term -> count) as a PIL image; None when nothing can be drawn."""
    cloud, _ = _cloud(frequencies, width, height, max_words, random_state)
    return None if cloud is None else cloud.to_image()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def wordcloud_png(frequencies: Mapping[str, int | float], width: int = 800, height: int = 400) -> bytes | None:
    """render_wordcloud() as PNG bytes (what a report embeds); None when nothing can be drawn."""
    image = render_wordcloud(frequencies, width, height)
    return None if image is None else _png(image)
