"""Subscription lists: import from OPML or a newsboat `urls` file, export as OPML 2.0.

Imported names and tags are untrusted text: control characters are removed and whitespace
collapsed, but markup-looking text such as `[b]x[/b]` is kept as the literal name.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import listparser

from tui_reader.config import normalize_url, unique_name, url_problem
from tui_reader.errors import one_line
from tui_reader.i18n import _
from tui_reader.models import FeedConfig

__all__ = [
    "ImportResult",
    "SubscriptionFileError",
    "clean_label",
    "parse_newsboat_urls",
    "parse_opml",
    "read_subscriptions",
    "write_opml",
]


class SubscriptionFileError(ValueError):
    """A file that is neither a readable OPML document nor a newsboat `urls` file."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Feeds found in a subscription file, and one line per entry that was left out."""

    feeds: list[FeedConfig] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_subscriptions(path: Path) -> ImportResult:
    """Read an OPML file or a newsboat `urls` file (detected from its content).

    Raises `OSError` when the file cannot be read and `SubscriptionFileError` when its
    content is neither format.
    """
    data = path.read_bytes()
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return parse_opml(data, source=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SubscriptionFileError(
            _(
                "{file}:{line}: not valid UTF-8; expected an OPML file or a newsboat urls file"
            ).format(file=path, line=line)
        ) from None
    return parse_newsboat_urls(text)


def clean_label(text: str) -> str:
    """A one-line name or tag: control characters removed, whitespace collapsed."""
    kept = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(kept.split())


class _Collector:
    """Builds the result: unique URLs, unique non-empty names, clean tags."""

    def __init__(self) -> None:
        self.result = ImportResult()
        self.urls: dict[str, str] = {}  # normalized URL → where it was first seen
        self.names: set[str] = set()

    def add(self, where: str, url: str, title: str, tags: Sequence[str]) -> None:
        url = url.strip()
        reason = url_problem(url)
        if reason is not None:
            self.result.skipped.append(f"{where}: {url or _('(no URL)')}: {reason}")
            return
        key = normalize_url(url)
        if key in self.urls:
            self.result.skipped.append(
                _("{where}: {url}: duplicate of {first}").format(
                    where=where, url=url, first=self.urls[key]
                )
            )
            return
        self.urls[key] = where
        name = clean_label(title) or urlsplit(url).hostname or url
        clean_tags: list[str] = []
        for tag in tags:
            tag = clean_label(tag)
            if tag and tag not in clean_tags:
                clean_tags.append(tag)
        self.result.feeds.append(
            FeedConfig(name=unique_name(name, self.names), url=url, tags=tuple(clean_tags))
        )


def parse_opml(data: bytes, source: str = "<opml>") -> ImportResult:
    """Feeds of an OPML document; outline folders and `category` attributes become tags."""
    data = bytes(data).removeprefix(b"\xef\xbb\xbf").lstrip()  # a stray blank before <?xml
    try:
        # listparser forgives truncated documents; a half-written export should not pass.
        ET.fromstring(data)
    except ET.ParseError as exc:
        raise SubscriptionFileError(
            _("{file}: not a valid OPML file ({error})").format(
                file=source, error=one_line(str(exc))
            )
        ) from None
    # Bytes, never str: listparser fetches a str that looks like a URL.
    parsed = listparser.parse(data)
    if parsed.bozo and not parsed.feeds:
        reason = one_line(str(parsed.get("bozo_exception") or _("unreadable")))
        raise SubscriptionFileError(
            _("{file}: not a valid OPML file ({error})").format(file=source, error=reason)
        )
    if not parsed.get("version"):
        raise SubscriptionFileError(
            _("{file}: not an OPML subscription list; export one from your feed reader").format(
                file=source
            )
        )
    collector = _Collector()
    for position, feed in enumerate(parsed.feeds, 1):
        tags = [part for category in feed.get("categories", []) for part in category if part]
        title = str(feed.get("title", ""))
        collector.add(_("outline {n}").format(n=position), str(feed.get("url", "")), title, tags)
    for entry in parsed.get("lists", []):
        collector.result.skipped.append(
            _("{url}: a linked subscription list; import it separately").format(
                url=entry.get("url", "")
            )
        )
    return collector.result


def _newsboat_tokens(line: str) -> list[str]:
    """Split a `urls` line like newsboat: blanks separate, `"..."` quotes, `#` starts a comment."""
    tokens: list[str] = []
    pos = 0
    while pos < len(line):
        ch = line[pos]
        if ch in " \t":
            pos += 1
        elif ch == "#":
            break
        elif ch == '"':
            pos += 1
            token: list[str] = []
            while pos < len(line) and line[pos] != '"':
                if line[pos] == "\\" and pos + 1 < len(line):
                    pos += 1
                token.append(line[pos])
                pos += 1
            pos += 1  # the closing quote, if any
            tokens.append("".join(token))
        else:
            end = pos
            while end < len(line) and line[end] not in " \t":
                end += 1
            tokens.append(line[pos:end])
            pos = end
    return tokens


def parse_newsboat_urls(text: str) -> ImportResult:
    """Feeds of a newsboat `urls` file: `URL tag "tag two" "~Custom title"` per line.

    Tags starting with `!` (newsboat's hidden feeds) are ignored; `query:`, `filter:` and
    `exec:` entries are skipped with a reason, as is any URL that is not http(s).
    """
    collector = _Collector()
    # split("\n"), not splitlines(): feed titles may hold U+0085 or U+2028, which are not
    # line breaks for newsboat.
    for number, raw in enumerate(text.split("\n"), 1):
        tokens = _newsboat_tokens(raw.strip())
        if not tokens:
            continue
        url, *rest = tokens
        where = _("line {n}").format(n=number)
        scheme = url.split(":", 1)[0].lower()
        if scheme == "query":
            name = url.split(":", 2)[1] if url.count(":") >= 2 else url
            collector.result.skipped.append(
                _(
                    "{where}: query feed {name} skipped (tui-reader filters with tags instead)"
                ).format(where=where, name=repr(name))
            )
            continue
        if scheme in ("filter", "exec"):
            collector.result.skipped.append(
                _("{where}: {scheme}: feed skipped (tui-reader does not run scripts)").format(
                    where=where, scheme=scheme
                )
            )
            continue
        title = ""
        tags: list[str] = []
        for token in rest:
            if token.startswith("~"):
                title = token[1:]
            elif token and not token.startswith("!"):
                tags.append(token)
        collector.add(where, url, title, tags)
    return collector.result


def _xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry (most C0 controls, U+FFFE/FFFF)."""
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r"
        or (" " <= ch <= "\ud7ff")
        or ("\ue000" <= ch <= "\ufffd")
        or ch >= "\U00010000"
    )


def write_opml(
    feeds: Sequence[FeedConfig],
    title: str = "tui-reader feeds",
    *,
    created: datetime | None = None,
) -> str:
    """An OPML 2.0 document listing `feeds`, with tags as a comma-separated `category`.

    OPML gives `,` and `/` a meaning inside `category`, so a tag holding one of them comes
    back from an import split in parts.
    """
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_safe(title)
    stamp = created or datetime.now(UTC)
    ET.SubElement(head, "dateCreated").text = format_datetime(stamp.astimezone(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        name = _xml_safe(feed.name)
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": _xml_safe(feed.url)}
        if feed.tags:
            attributes["category"] = ",".join(_xml_safe(tag) for tag in feed.tags)
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
