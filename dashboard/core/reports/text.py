"""Text made safe for the two report formats (core/reports/document.py renders every block through these).

Report text comes from data — titles, quotes, department and topic names people typed — so it may hold
anything: control characters, Markdown, HTML.

Word (`printable`)
    XML 1.0 cannot hold most control characters, and python-docx refuses them ("All strings must be XML
    compatible"). The rule, the same for both formats: CR LF, CR, vertical tab, form feed and NEL become
    a line break (``\\n``); every other control character (Unicode Cc: U+0000–U+001F except tab and line
    feed, U+007F–U+009F), lone surrogates and the non-characters U+FFFE/U+FFFF are removed. Nothing else
    changes, so the text a reader sees is the data minus invisible characters.

Chart images (`chart_text`)
    The same rule, and ``$`` escaped: matplotlib reads ``$…$`` as mathematics and refuses a malformed
    formula ("$x^$" in a topic label would stop the DOCX).

Markdown (`md_text`)
    A block's text is always literal text: the renderer adds the structure (``#`` headings, ``>`` notes,
    table pipes, chart images) around it. So every character that could start Markdown or HTML inside it
    is backslash-escaped (CommonMark allows that for any ASCII punctuation): ``\\ ` * _ [ ] < > # | ~ & $ @``
    always; ``:`` and ``.`` where they could make a link (``javascript:``, ``http://``, ``www.``,
    ``example.com``: after an ASCII letter, or a dot before a letter); a list or rule marker at the start
    (``- ``, ``+ ``, ``--``, ``1. ``, ``1) ``). Line breaks become spaces and white space at the ends is
    trimmed (a block is one line). One character changes: an ``@`` right after a letter, digit or ``. _ + -`` is written as
    the full-width ``＠``, because GitHub's renderer links an e-mail address whatever its escaping (masked
    addresses such as ``z***@qq.com`` are never links and keep their ``@``). Ordinary Chinese text, dates
    (2024-05-01 10:30) and figures (95.0%) stay as written. Checked with GitHub's renderer (cmark-gfm) and
    markdown-it with linkify: the rendered text equals the data (with that ＠) and holds no tag, link or
    image from it (tests/test_report_text.py).
"""
from __future__ import annotations

import re
from typing import Any

_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85]")
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Always significant; ':' and '.' only where they could make a link (after an ASCII letter: a scheme,
# www., a domain; a dot before a letter of any script: a domain's top level).
_MD_SPECIAL = re.compile(r"[\\`*_\[\]<>#|~&$@]|(?<=[A-Za-z])[:.]|\.(?=[^\W\d_])")
_ENDS = re.compile(r"^[\s\ufeff]+|[\s\ufeff]+$")    # renderers trim Unicode spaces (and a BOM) too
_MD_EMAIL_AT = re.compile(r"(?<=[A-Za-z0-9._+\-])@")
_MD_BLOCK_MARK = re.compile(r"^(?:[-+](?=[ \t]|$)|-(?=-))")      # list items, thematic breaks (---)
_MD_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)")         # ordered list items ("1. ")


def printable(value: Any) -> str:
    """The text with line breaks unified and control characters removed (the rule above)."""
    text = "" if value is None else str(value)
    return _UNPRINTABLE.sub("", _LINE_BREAKS.sub("\n", text))


def md_text(value: Any) -> str:
    """The text as one line of inert Markdown: it renders as exactly these characters."""
    text = _ENDS.sub("", printable(value).replace("\n", " "))
    text = _MD_EMAIL_AT.sub("\uff20", text)
    text = _MD_SPECIAL.sub(r"\\\g<0>", text)
    text = _MD_BLOCK_MARK.sub(r"\\\g<0>", text)
    return _MD_ORDERED.sub(r"\1\\\2", text)


def chart_text(value: Any) -> str | None:
    """Text drawn into a chart image by matplotlib, shown literally (None stays None)."""
    return None if value is None else printable(value).replace("$", r"\$")
