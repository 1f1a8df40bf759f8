"""An article's links, numbered from 1: the article's own link first, then its text's links
and pictures, in reading order.

The reading pane's `L` list and `show ID`'s footnotes are the same list. Links come from the
Markdown the article is shown as; only http(s) targets are listed (others were unlinked when
the feed was stored, and are skipped here again), each once, at its first place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui_reader.i18n import _
from tui_reader.text import safe_link

__all__ = ["NumberedLink", "article_links", "footnotes"]


@dataclass(frozen=True, slots=True)
class NumberedLink:
    """One link of the list: its number (from 1), its text and its URL."""

    number: int
    text: str
    url: str


# `[text](url)`, `[text](<url>)` or `[text](url "title")`; the text may hold an image
# `![alt](src)` or other balanced brackets, one level deep (the alternatives start with
# different characters: no backtracking blow-up). An escaped `\[` opens no link.
_LINK_RE = re.compile(
    r"(?<![\\!])\[(?P<text>(?:\\.|\[(?:\\.|[^\\\[\]])*\]|[^\\\[\]])*)\]"
    r"\((?:<(?P<angle>[^<>\n]*)>|(?P<bare>[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*))"
    r"(?:\s+\"[^\"\n]*\")?\)"
)
_PICTURE_RE = re.compile(
    r"(?<!\\)!\[(?P<text>(?:\\.|[^\\\[\]])*)\]"
    r"\((?:<(?P<angle>[^<>\n]*)>|(?P<bare>[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*))"
    r"(?:\s+\"[^\"\n]*\")?\)"
)
_IMAGE_RE = re.compile(r"!\[((?:\\.|[^\\\[\]])*)\]\([^)\s]*\)")
_ESCAPE_RE = re.compile(r"\\(.)")
_EMPHASIS_RE = re.compile(r"(\*\*|__|\*|_|`)")


def _plain(text: str) -> str:
    """Link text without Markdown: images become their alt text, escapes and emphasis go."""
    text = _IMAGE_RE.sub(r"\1", text)
    text = _EMPHASIS_RE.sub("", text)
    text = _ESCAPE_RE.sub(r"\1", text)
    return " ".join(text.split())


def article_links(link: str, markdown: str) -> list[NumberedLink]:
    """The numbered links of an article: `link` (its own page) first, then those of its text."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    own = safe_link(link)
    if own:
        found.append((_("The article"), own))
        seen.add(own)
    if "](" in (markdown or ""):
        links = [(m.start(), m.end(), m) for m in _LINK_RE.finditer(markdown)]
        # Pictures standing alone (a linked picture is listed once, as its link).
        pictures = [
            (m.start(), m.end(), m)
            for m in _PICTURE_RE.finditer(markdown)
            if not any(start <= m.start() < end for start, end, _m in links)
        ]
        for _start, _end, match in sorted(links + pictures, key=lambda item: item[0]):
            url = safe_link(match["angle"] if match["angle"] is not None else match["bare"])
            if not url or url in seen:
                continue
            seen.add(url)
            if match.re is _PICTURE_RE:
                alt = _plain(match["text"])
                text = _("picture: {alt}").format(alt=alt) if alt else _("picture")
            else:
                text = _plain(match["text"]) or url
            found.append((text, url))
    return [NumberedLink(number, text, url) for number, (text, url) in enumerate(found, 1)]


def footnotes(links: list[NumberedLink]) -> str:
    """The list as footnotes under a printed article: `[1] text: URL`, one a line."""
    if not links:
        return ""
    lines = [_("Links:")]
    for link in links:
        text = link.text if link.text != link.url else ""
        lines.append(
            f"[{link.number}] {text}: {link.url}" if text else f"[{link.number}] {link.url}"
        )
    return "\n".join(lines)
