"""The word cloud is drawn with a font that has every character of the terms (no boxes), works on a
small dict, is deterministic and leaves out terms it cannot draw."""
from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from dashboard.core.display import wordcloud as wr

TERMS = {"城乡建设": 30, "噪音扰民": 12, "物业管理": 9, "拖欠工资": 7, "学区划分": 5, "垃圾分类": 4,
         "公交线路": 3, "医保报销": 3, "违章停车": 2, "燃气": 2, "12345热线": 2, "APP": 1}


def cmap() -> set[int]:
    font = TTFont(str(wr.font_path()), lazy=True)
    try:
        return set(font.getBestCmap())
    finally:
        font.close()


def test_font_is_the_packaged_cjk_font():
    path = wr.font_path()
    assert path.name == "NotoSansSC-Regular.otf" and path.is_file()


def test_font_covers_every_character_drawn():
    covered = cmap()
    drawn = wr.drawable(TERMS)
    assert set(drawn) == set(TERMS)
    missing = {ch for term in drawn for ch in term if ord(ch) not in covered}
    assert not missing, f"glyphs missing for {missing}"
    # and PIL, which wordcloud draws with, renders them as real glyphs, not the .notdef box
    font = ImageFont.truetype(str(wr.font_path()), 48)

    def pixels(ch: str) -> bytes:
        image = Image.new("L", (64, 64), 0)
        ImageDraw.Draw(image).text((4, 4), ch, fill=255, font=font)
        return image.tobytes()

    notdef = pixels("\U000f0000")                        # a private-use code point: the .notdef glyph
    for ch in "".join(drawn):
        if not ch.isascii():
            assert pixels(ch) != notdef, ch


def test_terms_the_font_cannot_draw_are_left_out():
    assert wr.missing_chars("城建😀") == ["😀"]
    assert wr.drawable({"城建😀": 5, "城建": 3, "": 2, "空": 0}) == {"城建": 3.0}


def test_renders_a_small_dict_deterministically():
    first = wr.render_wordcloud(TERMS, width=400, height=200)
    assert isinstance(first, Image.Image) and first.size == (400, 200)
    assert first.convert("L").getextrema()[0] < 128               # something dark was drawn
    png = wr.wordcloud_png(TERMS, width=400, height=200)
    assert png == wr.wordcloud_png(TERMS, width=400, height=200)
    assert Image.open(io.BytesIO(png)).size == (400, 200)


@pytest.mark.parametrize("frequencies", [{}, {"😀": 3}])
def test_nothing_to_draw(frequencies):
    assert wr.render_wordcloud(frequencies) is None
    assert wr.wordcloud_png(frequencies) is None


def test_each_placed_word_sits_where_it_was_drawn():
    """The clickable cloud puts a point at each word's box: inside every box is ink, the boxes stay on the
    picture and do not overlap (the package places words apart), and every drawable term is placed."""
    png, placed = wr.wordcloud_layout(TERMS, width=400, height=200)
    image = Image.open(io.BytesIO(png)).convert("L")
    assert sorted(p.word for p in placed) == sorted(wr.drawable(TERMS))
    boxes = []
    for p in placed:
        left, top, right, bottom = p.x - p.width / 2, p.y - p.height / 2, p.x + p.width / 2, p.y + p.height / 2
        assert 0 <= left and right <= 400 and 0 <= top and bottom <= 200, p
        assert image.crop((int(left), int(top), int(right), int(bottom))).getextrema()[0] < 240, f"{p.word} 处没有字"
        boxes.append((left, top, right, bottom))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap_w = min(a[2], b[2]) - max(a[0], b[0])
            overlap_h = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_w <= 4 or overlap_h <= 4, (a, b)      # within the package's 4-pixel margin
    assert wr.wordcloud_layout({}, 400, 200) is None
