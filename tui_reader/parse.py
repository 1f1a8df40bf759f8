"""Feed bytes → `ParsedFeed`: RSS 0.9x/1.0/2.0 and Atom via feedparser, JSON Feed by hand.

Synchronous and CPU-bound; `parse_feed` is a top-level function so refresh can run it in a
process pool. Every string it returns has passed `clean_text`; every link, `safe_link`.

Before feedparser sees a document, it is decoded once (BOM, then UTF-8, then the declared
charset; UTF-8 that is not UTF-8 is read as Windows-1252), its DOCTYPE and entity
declarations are removed (no billion laughs, no external entities), HTML named entities
become character references and stray `&` become `&amp;`, so the strict XML parser accepts
what real feeds send and the slower, lossier loose parser is the exception.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
import re
import xml.sax
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.entities import html5 as _HTML5_ENTITIES
from typing import Any

import feedparser

from tui_reader import deferred
from tui_reader.charset import decode_bytes
from tui_reader.deferred import Part
from tui_reader.fastfeed import read_simple_feed
from tui_reader.feed_dates import feedparser_date, parse_date
from tui_reader.links import clean_link
from tui_reader.models import ParsedEntry, ParsedFeed
from tui_reader.text import clean_text, html_to_markdown, html_to_text, safe_link

__all__ = ["ParseError", "parse_feed"]

MAX_TITLE = 1_000
MAX_FIELD = 2_000_000
MAX_GUID = 1_000
FUTURE_SLACK = timedelta(days=1)


class ParseError(Exception):
    """The document is not a feed we can read; the message is one line."""


# ---------------------------------------------------------------- decoding


_XML_DECL_ENCODING_RE = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})"""
)
_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)


def _decode(body: bytes, content_type: str) -> str:
    """Decode a document: BOM, else valid UTF-8, else the declared charset, else cp1252."""
    xml_decl = _XML_DECL_ENCODING_RE.match(body)
    header = _CHARSET_RE.search(content_type)
    declared = (
        xml_decl.group(1).decode("ascii") if xml_decl else None,
        header.group(1) if header else None,
    )
    return decode_bytes(body, declared, utf8_first=True)


# ---------------------------------------------------------------- XML clean-up

# Scans a DOCTYPE: quoted strings, brackets of the internal subset, comments, the end.
_DTD_TOKEN_RE = re.compile(r"""["'\[\]>]|<!--""")
_PROLOG_NAME_RE = re.compile(r"<([A-Za-z_][\w.:-]*)")


def _declaration_end(text: str, pos: int) -> int:
    """Index just past the `>` that closes the `<!...` declaration starting before `pos`."""
    depth = 0
    while True:
        match = _DTD_TOKEN_RE.search(text, pos)
        if match is None:
            return len(text)
        token = match.group()
        if token in ('"', "'"):
            close = text.find(token, match.end())
            if close < 0:
                return len(text)
            pos = close + 1
        elif token == "<!--":
            close = text.find("-->", match.end())
            if close < 0:
                return len(text)
            pos = close + 3
        elif token == "[":
            depth += 1
            pos = match.end()
        elif token == "]":
            depth = max(0, depth - 1)
            pos = match.end()
        elif depth == 0:  # ">"
            return match.end()
        else:
            pos = match.end()


def _strip_prolog_declarations(text: str) -> tuple[str, str]:
    """Remove DOCTYPE (with its internal subset) and ENTITY declarations before the root.

    Returns the text and the lower-cased root element name ("" if none was found).
    """
    pieces: list[str] = []
    pos = 0
    removed = False  # no comment or declaration taken out yet (see the end)
    while True:
        start = text.find("<", pos)
        if start < 0:
            pieces.append(text[pos:])
            return "".join(pieces), ""
        if text.startswith("<?", start):
            end = text.find("?>", start)
            pos = len(text) if end < 0 else end + 2
            pieces.append(text[start:pos])
            continue
        if text.startswith("<!--", start):
            end = text.find("-->", start)
            pos = len(text) if end < 0 else end + 3
            removed = True
            continue
        if text.startswith("<!", start):
            # DOCTYPE, ENTITY or other markup declaration: never let a parser see it.
            pieces.append(text[pos:start])
            pos = _declaration_end(text, start + 2)
            removed = True
            continue
        match = _PROLOG_NAME_RE.match(text, start)
        root = match.group(1).lower() if match else ""
        # The result keeps pieces of the text in order: as long as the text, it is the text.
        if not removed and sum(map(len, pieces)) == pos:
            return text, root
        pieces.append(text[pos:])
        return "".join(pieces), root


# Named entities beyond XML's five become character references; a bare "&" becomes "&amp;";
# character references to characters XML forbids are dropped. CDATA sections are left alone.
_ENTITY_FIX_RE = re.compile(
    r"<!\[CDATA\[.*?\]\]>"
    r"|&#0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]);"
    r"|&#[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]);"
    r"|&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)([A-Za-z][A-Za-z0-9]{0,31};)?",
    re.DOTALL,
)
# The leading "&" is factored out so the regex engine can skip to each "&" instead of
# trying three alternatives at every character (a 450 KB feed: 15 ms → 1 ms).
_NEEDS_ENTITY_FIX_RE = re.compile(
    r"&(?:#0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]);"
    r"|#[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]);"
    r"|(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});))"
)


def _entity_fix(match: re.Match[str]) -> str:
    token = match.group()
    if token.startswith("<"):
        return token
    if token.startswith("&#"):
        # A reference to a character XML forbids becomes that character, so that the escape
        # sequence it may start is then removed whole by _XML_JUNK_RE (no "[2J" left behind).
        digits = token[2:-1]
        return chr(int(digits[1:], 16) if digits[0] in "xX" else int(digits))
    name = match.group(1)
    if name is None:
        return "&amp;"
    chars = _HTML5_ENTITIES.get(name)
    if chars is None:
        return "&amp;" + name
    return "".join(f"&#{ord(c)};" for c in chars)


# Characters XML 1.0 forbids, and whole terminal escape sequences (their payload too), 7- and
# 8-bit. A sequence never takes `<`, `>` or a quote: one ESC before a tag or inside an
# attribute must not eat the markup around it (and the items after it).
_XML_JUNK_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-;=?]*[ !#-&(-/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n<>\"']*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ !#-&(-/]*[0-;=?-~]"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
)
# Every match of _XML_JUNK_RE starts with one of these (keep the two in step); one character
# class scans a document many times faster than the alternation does.
_XML_JUNK_TRIGGER_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x90\x98\x9b\x9d-\x9f\ufffe\uffff]")
_XML_DECL_RE = re.compile(r"^<\?xml[^>]*\?>")


def _prepare_xml(body: bytes, content_type: str) -> tuple[bytes, str]:
    """Decode, defuse and repair a document for feedparser; return UTF-8 bytes and root name."""
    utf8 = _plain_utf8(body)
    decoded = (utf8 if utf8 is not None else _decode(body, content_type)).lstrip()
    text, root = _strip_prolog_declarations(decoded)
    if _NEEDS_ENTITY_FIX_RE.search(text) is not None:
        text = _ENTITY_FIX_RE.sub(_entity_fix, text)
    if utf8 is not None and text is decoded and _says_utf8(text):
        # Most feeds: UTF-8 that needed no repair. Its bytes are what encoding the text
        # would give: no second copy of the document.
        stripped = utf8[: len(utf8) - len(text)]  # the leading white space lstrip() took
        data = body[len(stripped.encode("utf-8")) :] if stripped else body
    else:
        # The text is UTF-8 from here on, whatever the declaration said.
        data = _XML_DECL_RE.sub(_UTF8_DECL, text, count=1).encode("utf-8", errors="replace")
    if _has_xml_junk(data):  # rare: the text-level scan and clean-up, then encode again
        text = _XML_JUNK_RE.sub("", text)
        data = _XML_DECL_RE.sub(_UTF8_DECL, text, count=1).encode("utf-8", errors="replace")
    return data, root


_UTF8_DECL = '<?xml version="1.0" encoding="utf-8"?>'
_UTF8_DECLS = frozenset({_UTF8_DECL, '<?xml version="1.0"?>'})
# What `decode_bytes` reads as something other than UTF-8 whatever follows (keep in step).
_NOT_PLAIN_UTF8 = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    b"<\x00?\x00",
    b"\x00<\x00?",
)


def _plain_utf8(body: bytes) -> str | None:
    """The document as `_decode` reads it when that is strict UTF-8 (no BOM), else None."""
    if body.startswith(_NOT_PLAIN_UTF8):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _says_utf8(text: str) -> bool:
    """Whether `text` has no XML declaration, or one that `_UTF8_DECL` would not change."""
    match = _XML_DECL_RE.match(text)
    return match is None or match.group().replace("'", '"').lower() in _UTF8_DECLS


# _XML_JUNK_TRIGGER_RE's characters as UTF-8 bytes, found by scans several times faster than
# a character class over the text: C0 controls by `bytes.translate` (which keeps only them),
# the C1 ones and U+FFFE/U+FFFF by their lead bytes.
_C0_JUNK = bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
_NOT_C0_JUNK = bytes(b for b in range(256) if b not in _C0_JUNK)
_C1_JUNK_UTF8_RE = re.compile(rb"\xc2[\x90\x98\x9b\x9d-\x9f]")
_NONCHAR_UTF8_RE = re.compile(rb"\xef\xbf[\xbe\xbf]")


def _has_xml_junk(data: bytes) -> bool:
    """Whether UTF-8 `data` holds a character `_XML_JUNK_TRIGGER_RE` matches."""
    return bool(
        data.translate(None, _NOT_C0_JUNK)
        or _C1_JUNK_UTF8_RE.search(data)
        or _NONCHAR_UTF8_RE.search(data)
    )


# ---------------------------------------------------------------- dates

# Dates are read by our own parser (dates.py); feedparser asks it first too, through its
# public registerDateHandler, so that feedparser and the lxml fast path agree on every date.
feedparser.registerDateHandler(feedparser_date)
_parse_date_text = parse_date


def _from_struct(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6]).replace(tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _fetched_moment(fetched_at: str | None) -> datetime:
    if fetched_at:
        moment = _parse_date_text(fetched_at)
        if moment is not None:
            return moment
    return datetime.now(UTC).replace(microsecond=0)


def _published(candidates: Iterable[datetime | None], fetched: datetime) -> str:
    """The first valid date, clamped to `fetched` when it lies over a day in the future."""
    for moment in candidates:
        if moment is None:
            continue
        if moment > fetched + FUTURE_SLACK:
            return _iso(fetched)
        return _iso(moment)
    return _iso(fetched)


# ---------------------------------------------------------------- entries


# Set while `parse_feed(deferred=True)` runs: `_markdown` then keeps the source instead.
_DEFER: ContextVar[bool] = ContextVar("tui_reader_parse_defer", default=False)
_PLACEHOLDER = "\x00"  # clean_text removes NUL, so no feed text contains one


def _source_part(value: str) -> Part | None:
    """The (kind, base, text) a placeholder from `_markdown` carries, or None for ""."""
    if not value.startswith(_PLACEHOLDER):
        return None
    _, kind, base, text = value.split(_PLACEHOLDER, 3)
    return (kind, base, text)


def _deferred_entry(entry: ParsedEntry) -> ParsedEntry:
    """An entry whose summary/body are placeholders → one with a source and search text."""
    summary, body = _source_part(entry.summary), _source_part(entry.body)
    if summary is not None and body is not None and summary[2] == body[2]:
        summary = None  # the same text twice: kept once, as the body
    title, link, author, published = entry.title, entry.link, entry.author, entry.published
    texts = (summary[2] if summary else "", body[2] if body else "")
    return ParsedEntry(
        entry.guid,
        title,
        link,
        author,
        published,
        "",
        "",
        source=deferred.pack(summary, body),
        content_hash=deferred.content_hash((title, link, author, published, *texts)),
    )


def _is_html(content_type: str) -> bool:
    return "html" in content_type  # text/html, application/xhtml+xml


def _markdown(value: str, content_type: str, base: str) -> str:
    value = value[:MAX_FIELD]
    if _DEFER.get():
        # Deferred (see `parse_feed(deferred=True)`): a placeholder carrying the source.
        # The text is kept as it came (NUL aside): `deferred.render` passes it through the
        # same gate (`html_to_markdown`, `clean_text`) when it is shown.
        kind = "html" if _is_html(content_type) else "text"
        text = value.replace(_PLACEHOLDER, "").strip()
        return f"{_PLACEHOLDER}{kind}{_PLACEHOLDER}{base}{_PLACEHOLDER}{text}" if text else ""
    text = html_to_markdown(value, base) if _is_html(content_type) else clean_text(value).strip()
    return text[:MAX_FIELD]


def _single_line(value: Any, content_type: str = "text/plain", limit: int = MAX_TITLE) -> str:
    if not isinstance(value, str) or not value:
        return ""
    value = value[: limit * 4]
    text = html_to_text(value) if _is_html(content_type) else clean_text(value, single_line=True)
    return text[:limit].rstrip()


def _derived_title(*sources: str) -> str:
    """A title from the start of the text, for items that have none."""
    for source in sources:
        text = html_to_text(source[:4_000]) if source else ""
        if text:
            if len(text) <= 80:
                return text
            cut = text[:80].rsplit(" ", 1)[0] or text[:80]
            return cut.rstrip(" ,;:.") + "…"
    return "(untitled)"


def _guid(raw_id: Any, link: str, title: str, summary: str, published: str) -> str:
    guid = clean_text(raw_id, single_line=True) if isinstance(raw_id, str) else ""
    if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        guid = str(raw_id)
    guid = guid or link
    if not guid or len(guid) > MAX_GUID:
        seed = guid or f"{title}\n{summary}\n{published}"
        guid = "sha1:" + hashlib.sha1(seed.encode("utf-8", "replace")).hexdigest()
    return guid


def _dedupe(entries: Iterable[ParsedEntry]) -> tuple[ParsedEntry, ...]:
    seen: set[str] = set()
    kept: list[ParsedEntry] = []
    for entry in entries:
        if entry.guid not in seen:
            seen.add(entry.guid)
            kept.append(entry)
    return tuple(kept)


def _absolute_base(*candidates: Any) -> str:
    for candidate in candidates:
        if isinstance(candidate, str) and (base := _safe_base(candidate)):
            return base
    return ""


@functools.lru_cache(maxsize=256)
def _safe_base(candidate: str) -> str:
    """`safe_link(candidate)`, remembered: every item of a feed asks for the same few bases."""
    return safe_link(candidate)


_MD_URL_ESCAPES = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})


def _lead_picture(entry: dict[str, Any], base: str) -> str:
    """The item's own picture (media:content, an image enclosure, media:thumbnail), or ""."""
    get = dict.get
    candidates: list[object] = []
    for media in get(entry, "media_content") or ():
        kind = f"{media.get('medium', '')} {media.get('type', '')}".strip()
        if not kind or kind.startswith("image") or "image/" in kind:
            candidates.append(media.get("url"))
    for link in get(entry, "links") or ():  # FeedParserDict derives "enclosures" from these
        if link.get("rel") == "enclosure" and str(link.get("type") or "").startswith("image/"):
            candidates.append(link.get("href"))
    candidates += [thumb.get("url") for thumb in get(entry, "media_thumbnail") or ()]
    for candidate in candidates:
        if isinstance(candidate, str) and (url := safe_link(candidate, base)):
            return url.translate(_MD_URL_ESCAPES)
    return ""


def _feedparser_entry(entry: dict[str, Any], feed_base: str, fetched: datetime) -> ParsedEntry:
    """Map one feedparser entry (read with dict.get: FeedParserDict's own get warns and is slow)."""
    get = dict.get
    summary_detail = get(entry, "summary_detail") or {}
    entry_base = _absolute_base(summary_detail.get("base"), feed_base)
    raw_link = get(entry, "link") or ""
    if get(entry, "guidislink") and raw_link == get(entry, "id") and not safe_link(raw_link):
        raw_link = ""  # an RSS <guid> taken for a permalink, but it is no URL
    link = clean_link(safe_link(raw_link, entry_base))

    raw_summary = get(entry, "summary") or ""
    summary_type = summary_detail.get("type", "text/html")
    contents = [c for c in get(entry, "content") or () if isinstance(c.get("value"), str)]
    longest = max(contents, key=lambda c: len(c["value"]), default=None)
    raw_body = longest["value"] if longest else ""
    body = ""
    if raw_body.strip():
        body_base = _absolute_base(longest.get("base"), entry_base)  # type: ignore[union-attr]
        body = _markdown(raw_body, longest.get("type", "text/html"), body_base)  # type: ignore[union-attr]
    summary = ""
    if raw_summary.strip() and raw_summary.strip() != raw_body.strip():
        summary = _markdown(raw_summary, summary_type, entry_base)
    if summary == body:  # the feed gave the same text twice: keep it once, as the body
        summary = ""
    lead = _lead_picture(entry, entry_base)
    if lead and "![" not in body + summary and lead not in raw_body + raw_summary:
        if body:
            body = f"![]({lead})\n\n{body}"
        else:
            summary = f"![]({lead})\n\n{summary}".rstrip()

    title_detail = get(entry, "title_detail") or {}
    title = _single_line(get(entry, "title"), title_detail.get("type", "text/plain"))
    if not title:
        title = _derived_title(raw_summary, raw_body)
    author = _single_line(get(entry, "author"))

    published = _published(
        (
            _from_struct(get(entry, "published_parsed")),
            _from_struct(get(entry, "updated_parsed")),
            _parse_date_text(get(entry, "published")),
            _parse_date_text(get(entry, "updated")),
        ),
        fetched,
    )
    guid = _guid(get(entry, "id"), link, title, raw_summary + raw_body, published)
    return ParsedEntry(guid, title, link, author, published, summary, body)


def _parse_xml(body: bytes, url: str, content_type: str, fetched: datetime) -> ParsedFeed:
    data, root = _prepare_xml(body, content_type)
    if root in ("html", "head", "body"):
        raise ParseError("not a feed: looks like an HTML page")
    if not data.strip():
        raise ParseError("empty document")
    # Plain RSS 2.0 and Atom (most feeds) are read with lxml, the rest with feedparser;
    # both give the same fields (see fastfeed.py), feedparser 5-10 times slower.
    simple = read_simple_feed(data)
    if simple is not None:
        feed, entries = simple
    else:
        result = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
        entries = result.get("entries") or []
        version = result.get("version") or ""
        if not entries and not version:
            if not root:
                raise ParseError("not a feed: no XML document found")
            error = result.get("bozo_exception")
            if error is not None and root not in ("rss", "feed", "rdf:rdf", "channel"):
                raise ParseError(_xml_error_message(error))
            raise ParseError(f"not a feed: unexpected <{root}> document")
        error = result.get("bozo_exception")
        if not entries and isinstance(error, xml.sax.SAXException):
            raise ParseError(_xml_error_message(error))  # e.g. a truncated document
        feed = result.get("feed") or {}
    feed_link = safe_link(feed.get("link") or "", url)
    feed_base = feed_link or safe_link(url)
    title_detail = feed.get("title_detail") or {}
    title = _single_line(feed.get("title"), title_detail.get("type", "text/plain"))
    # An entry with nothing in it (the half-read last item of a truncated download) would
    # become a phantom "(untitled)" item that no later refresh replaces: skip it.
    parsed = (
        _feedparser_entry(entry, feed_base, fetched)
        for entry in entries
        if any(dict.get(entry, key) for key in ("title", "link", "id", "summary", "content"))
    )
    return ParsedFeed(title=title, link=feed_link, entries=_dedupe(parsed))


def _xml_error_message(error: BaseException) -> str:
    """ "XML error: mismatched tag at line 3" from a SAX exception."""
    get_message = getattr(error, "getMessage", None)
    get_line = getattr(error, "getLineNumber", None)
    if callable(get_message) and callable(get_line):
        return clean_text(f"XML error: {get_message()} at line {get_line()}", single_line=True)
    return clean_text(f"XML error: {error}", single_line=True)[:200]


# ---------------------------------------------------------------- JSON Feed


def _json_author(item: Mapping[str, Any]) -> str:
    authors = item.get("authors")
    if isinstance(authors, list):
        raw_names = [a.get("name") for a in authors if isinstance(a, dict)]
        names = [n for n in (_single_line(n) for n in raw_names) if n]
        if names:
            return ", ".join(names)[:MAX_TITLE]
    author = item.get("author")
    if isinstance(author, dict):
        return _single_line(author.get("name"))
    return ""


def _text_field(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    return value if isinstance(value, str) else ""


def _json_entry(item: Mapping[str, Any], feed_base: str, fetched: datetime) -> ParsedEntry:
    link = clean_link(
        safe_link(_text_field(item, "url") or _text_field(item, "external_url"), feed_base)
    )
    base = link or feed_base
    content_html = _text_field(item, "content_html")
    content_text = _text_field(item, "content_text")
    raw_summary = _text_field(item, "summary")
    if content_html.strip():
        body = _markdown(content_html, "text/html", base)
    else:
        body = _markdown(content_text, "text/plain", base)
    summary = _markdown(raw_summary, "text/plain", base)
    if summary == body:
        summary = ""
    title = _single_line(item.get("title")) or _derived_title(
        raw_summary, content_html or content_text
    )
    published = _published(
        (
            _parse_date_text(item.get("date_published")),
            _parse_date_text(item.get("date_modified")),
        ),
        fetched,
    )
    raw_id = item.get("id")
    guid = _guid(raw_id, link, title, raw_summary + content_html + content_text, published)
    return ParsedEntry(guid, title, link, _json_author(item), published, summary, body)


def _parse_json(body: bytes, url: str, content_type: str, fetched: datetime) -> ParsedFeed:
    try:
        document = json.loads(_decode(body, content_type))
    except (ValueError, RecursionError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ParseError(clean_text(f"JSON error: {message}", single_line=True)[:200]) from None
    if not isinstance(document, dict) or not (
        isinstance(document.get("items"), list)
        or "jsonfeed.org" in str(document.get("version", ""))
    ):
        raise ParseError("not a feed: JSON that is not a JSON Feed")
    feed_link = safe_link(_text_field(document, "home_page_url"), url)
    feed_base = feed_link or safe_link(url)
    items = document.get("items") or []
    parsed = (_json_entry(item, feed_base, fetched) for item in items if isinstance(item, dict))
    return ParsedFeed(
        title=_single_line(document.get("title")), link=feed_link, entries=_dedupe(parsed)
    )


# ---------------------------------------------------------------- entry point

_LEADING_JUNK = b"\xef\xbb\xbf \t\r\n"


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str = "",
    fetched_at: str | None = None,
    deferred: bool = False,
) -> ParsedFeed:
    """Parse an RSS, Atom or JSON Feed document fetched from `url`.

    `fetched_at` (ISO 8601) stands in for missing or invalid dates and caps future ones;
    it defaults to now. Raises `ParseError` with a one-line message when the bytes are not
    a feed. With `deferred`, entries carry their text as it came (`source`, see
    `tui_reader.deferred`) plus plain text for the search index, and empty summary/body:
    the Markdown is made when an article is first shown.
    """
    if deferred:
        token = _DEFER.set(True)
        try:
            parsed = _parse_feed(body, url=url, content_type=content_type, fetched_at=fetched_at)
        finally:
            _DEFER.reset(token)
        return replace(parsed, entries=tuple(_deferred_entry(e) for e in parsed.entries))
    return _parse_feed(body, url=url, content_type=content_type, fetched_at=fetched_at)


def _parse_feed(
    body: bytes, *, url: str, content_type: str = "", fetched_at: str | None = None
) -> ParsedFeed:
    """`parse_feed` without the deferred step."""
    fetched = _fetched_moment(fetched_at)
    head = body[:64].lstrip(_LEADING_JUNK)
    if not head and not body.strip(_LEADING_JUNK):
        raise ParseError("empty document")
    mime = content_type.split(";", 1)[0].strip().lower()
    if head.startswith(b"{") or (mime.endswith("json") and not head.startswith(b"<")):
        return _parse_json(body, url, content_type, fetched)
    return _parse_xml(body, url, content_type, fetched)


def server_entry(
    *,
    guid: str,
    title: Any,
    link: Any,
    author: Any,
    html: Any,
    summary_html: Any = "",
    published: datetime | None,
    fetched_at: str | None = None,
    base: str = "",
) -> ParsedEntry:
    """One item from a sync server (Fever, Google Reader API), through the feed items' gate.

    Every field may be anything a hostile server sends: non-strings become empty, HTML
    becomes Markdown through the same pipeline as feed entries, links must be http(s), and
    dates in the far future are clamped like a feed's.
    """
    fetched = _fetched_moment(fetched_at)
    feed_base = _absolute_base(base)
    link_text = link if isinstance(link, str) else ""
    clean = clean_link(safe_link(link_text, feed_base))
    raw_body = html if isinstance(html, str) else ""
    raw_summary = summary_html if isinstance(summary_html, str) else ""
    page_base = clean or feed_base
    body = _markdown(raw_body, "text/html", page_base) if raw_body.strip() else ""
    summary = ""
    if raw_summary.strip() and raw_summary.strip() != raw_body.strip():
        summary = _markdown(raw_summary, "text/html", page_base)
    if summary == body:
        summary = ""
    title_text = _single_line(title, "text/html") or _derived_title(raw_summary, raw_body)
    when = _published((published,), fetched)
    return ParsedEntry(guid, title_text, clean, _single_line(author), when, summary, body)
