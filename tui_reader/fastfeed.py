"""A fast reader for plain RSS 2.0 and Atom 1.0 documents: lxml instead of feedparser.

feedparser is pure Python and reads ≈ 4 MB/s; libxml2 builds the tree of the same document
about twenty times faster. `read_simple_feed` returns the feed and entry fields that
`parse._feedparser_entry` reads, with the values feedparser would give them (same whitespace
stripping, URI fixing, cp1252 mapping, date parsing, HTML guessing). It only accepts what it
reads exactly that way: any element it does not know, xml:base, XHTML or base64 content,
nested markup inside a text element, duplicated fields, a document libxml2 will not read
strictly… make it return None, and parse.py hands the document to feedparser as before.

It runs on documents `parse._prepare_xml` has already decoded and defused (no DOCTYPE, no
entity declarations), and the parser is told not to load DTDs, resolve entities or use the
network anyway.
"""

from __future__ import annotations

import contextlib
import html.entities
import re
import time
from contextvars import ContextVar
from typing import Any

from lxml import etree

from tui_reader.feed_dates import parse_date

__all__ = ["read_simple_feed"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_WFW = "{http://wellformedweb.org/CommentAPI/}"
_SLASH = "{http://purl.org/rss/1.0/modules/slash/}"
_SY = "{http://purl.org/rss/1.0/modules/syndication/}"

# Channel and feed children that do not change the fields we read (or are read below).
_CHANNEL_KEEP = frozenset(
    {
        "title", "link", "description", "language", "lastBuildDate", "pubDate", "generator",
        "copyright", "ttl", "category", "docs", "image", "item",
        _SY + "updatePeriod", _SY + "updateFrequency", _SY + "updateBase",
    }
)  # fmt: skip
_ITEM_KEEP = frozenset(
    {
        "title", "link", "description", "guid", "pubDate", "category", "comments", "enclosure",
        _CONTENT + "encoded", _DC + "creator", _DC + "date", _WFW + "commentRss",
        _SLASH + "comments",
    }
)  # fmt: skip
_FEED_KEEP = frozenset(
    _ATOM + name
    for name in (
        "title", "subtitle", "link", "id", "updated", "generator", "icon", "logo", "rights",
        "category", "entry", "author",
    )
)  # fmt: skip
_ENTRY_KEEP = frozenset(
    _ATOM + name
    for name in (
        "title", "link", "id", "published", "updated", "author", "category", "summary", "content",
    )
)  # fmt: skip
_AUTHOR_KEEP = frozenset({_ATOM + "name", _ATOM + "email", _ATOM + "uri"})
_ONCE = frozenset(
    {
        "title", "link", "description", "guid", "pubDate", _CONTENT + "encoded",
        _DC + "creator", _DC + "date",
        _ATOM + "title", _ATOM + "id", _ATOM + "published", _ATOM + "updated",
        _ATOM + "author", _ATOM + "summary", _ATOM + "content",
    }
)  # fmt: skip
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# feedparser's rules, written here rather than read from its private names (the feedparser
# pin and tests/test_fastfeed.py keep them in step): the HTML elements its sanitizer accepts,
# which decide whether an RSS title "looks like HTML"; its cp1252 map for C1 characters; its
# URI fixer for "http:///host"; and its content-type names.
_HTML_ELEMENTS = frozenset(
    """a abbr acronym address area article aside audio b big blockquote br button canvas
    caption center cite code col colgroup command datagrid datalist dd del details dfn dialog
    dir div dl dt em event-source fieldset figcaption figure font footer form h1 h2 h3 h4 h5
    h6 header hr i img input ins kbd keygen label legend li m map menu meter multicol nav
    nextid noscript ol optgroup option output p pre progress q s samp section select small
    sound source spacer span strike strong sub sup table tbody td textarea tfoot th thead time
    tr tt u ul var video""".split()  # noqa: SIM905
)
_CP1252 = {
    code: bytes([code]).decode("cp1252")
    for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)  # undefined in Windows-1252
}
_URI_FIXER = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_CONTENT_TYPES = {
    "text": "text/plain",
    "plain": "text/plain",
    "html": "text/html",
    "xhtml": "application/xhtml+xml",
}


def _looks_like_html(value: str) -> bool:
    """feedparser's guess: a close tag or an entity, only known elements and entities."""
    if not (re.search(r"</(\w+)>", value) or re.search(r"&#?\w+;", value)):
        return False
    if any(tag.lower() not in _HTML_ELEMENTS for tag in re.findall(r"</?(\w+)", value)):
        return False
    return all(name in html.entities.entitydefs for name in re.findall(r"&(\w+);", value))


def _map_content_type(value: str) -> str:
    value = value.lower()
    return _CONTENT_TYPES.get(value, value)


def _urljoin(base: str, uri: str) -> str:
    """feedparser's URI fix-up ("http:///x" → "http://x"); with no base, nothing more."""
    assert base == ""
    return _URI_FIXER.sub(r"\1\3", uri)


def _parse_date(value: str) -> time.struct_time | None:
    """The date as feedparser reads it (our parser comes first there, see dates.py); a date
    our parser does not know is left to feedparser's other handlers: the slow path."""
    moment = parse_date(value)
    if moment is None:
        if value.strip():
            raise _NotSimple
        return None
    return moment.utctimetuple()


_C1_RE = re.compile("[\x80-\x9f]")
_LINK_ENTITY_RE = re.compile("&([A-Za-z0-9_]+);")


class _NotSimple(Exception):
    """The document uses something only feedparser reads the feedparser way."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
        strip_cdata=True,
        recover=False,
    )


# Whether the document being read may hold a C1 character (U+0080-U+009F), as UTF-8 or as
# a character reference: when it cannot, no text of it needs `_finish`'s C1 scan.
_C1_UTF8_RE = re.compile(rb"\xc2[\x80-\x9f]")
_C1_REF_RE = re.compile(rb"&#(?:0*(?:12[89]|1[3-5][0-9])|[xX]0*[89][0-9a-fA-F]);")
_MAY_HAVE_C1: ContextVar[bool] = ContextVar("tui_reader_fastfeed_c1", default=True)


def _finish(value: str) -> str:
    """What feedparser's `pop` does to every text after stripping and URI resolution."""
    if value.isascii():  # most links, ids and dates: nothing below can change them
        return value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")  # UTF-8 read as Latin-1: undo
    # (Undoing cannot make a C1 character appear: its UTF-8 form read as Latin-1 holds one.)
    if _MAY_HAVE_C1.get() and _C1_RE.search(value) is not None:
        value = value.translate(_CP1252)
    return value


def _text(element: Any) -> str:
    """The stripped text of an element that must hold nothing but text."""
    if len(element) or element.attrib.get("{http://www.w3.org/XML/1998/namespace}base"):
        raise _NotSimple
    return (element.text or "").strip()


def _children(element: Any, allowed: frozenset[str]) -> list[Any]:
    """The element's children, each a known one and the single-valued ones at most once."""
    children = list(element)
    seen: set[str] = set()
    for child in children:
        tag = child.tag
        if not isinstance(tag, str) or tag not in allowed:
            raise _NotSimple  # comments, PIs, unknown elements
        if tag in _ONCE:
            if tag in seen:
                raise _NotSimple
            seen.add(tag)
    return children


def _rss_text_type(value: str) -> str:
    """RSS says titles are plain text; feedparser guesses HTML when it looks like HTML."""
    return "text/html" if _looks_like_html(value) else "text/plain"


def _guid_rules(entry: dict[str, Any], value: str, permalink: bool) -> None:
    """feedparser's `_end_guid`: a permalink guid resolves as a URI and may stand for the link."""
    if permalink:
        value = _urljoin("", value)
    entry["id"] = _finish(value)
    entry.setdefault("guidislink", permalink and "link" not in entry)
    if permalink:
        entry.setdefault("link", entry["id"])


def _rss_item(item: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for child in _children(item, _ITEM_KEEP):
        tag = child.tag
        if tag in ("category", "comments", "enclosure", _WFW + "commentRss", _SLASH + "comments"):
            continue
        value = _text(child)
        if tag == "title":
            entry["title_detail"] = {"type": _rss_text_type(value)}
            entry["title"] = _finish(value)
        elif tag == "link":
            if child.attrib:
                raise _NotSimple
            link = _finish(_urljoin("", value)) if value else value
            link = _LINK_ENTITY_RE.sub(r"&\g<1>", link.replace("&amp;", "&"))
            entry["link"] = link
        elif tag == "description":
            if "summary" in entry and not entry.get("_has_content"):
                raise _NotSimple  # feedparser would read it as content
            entry["summary"] = _finish(value)
            entry["summary_detail"] = {"type": "text/html", "base": ""}
        elif tag == _CONTENT + "encoded":
            entry["_has_content"] = True
            value = _finish(value)
            entry["content"] = [{"type": "text/html", "base": "", "value": value}]
            entry.setdefault("summary", value)
        elif tag == "guid":
            permalink = child.attrib.get("isPermaLink", "true") == "true"
            if set(child.attrib) - {"isPermaLink"}:
                raise _NotSimple
            _guid_rules(entry, value, permalink)
        elif tag == "pubDate":
            entry["published"] = _finish(value)
            entry["published_parsed"] = _parse_date(entry["published"])
        elif tag == _DC + "date":
            entry["updated"] = _finish(value)
            entry["updated_parsed"] = _parse_date(entry["updated"])
        elif tag == _DC + "creator":
            if "@" in value:
                raise _NotSimple  # feedparser splits out an e-mail address
            entry["author"] = _finish(value)
    entry.pop("_has_content", None)
    return entry


def _rss(root: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if root.attrib.get("version") != "2.0":
        raise _NotSimple
    channels = list(root)
    if len(channels) != 1 or channels[0].tag != "channel":
        raise _NotSimple
    feed: dict[str, Any] = {}
    entries = []
    for child in channels[0]:
        tag = child.tag
        if tag == _ATOM + "link":
            if child.attrib.get("rel") != "self":
                raise _NotSimple
            continue
        if not isinstance(tag, str) or tag not in _CHANNEL_KEEP:
            raise _NotSimple
        if tag == "item":
            entries.append(_rss_item(child))
        elif tag == "title":
            if "title" in feed:
                raise _NotSimple
            value = _text(child)
            feed["title_detail"] = {"type": _rss_text_type(value)}
            feed["title"] = _finish(value)
        elif tag == "link":
            if "link" in feed or child.attrib:
                raise _NotSimple
            value = _text(child)
            link = _finish(_urljoin("", value)) if value else value
            feed["link"] = _LINK_ENTITY_RE.sub(r"&\g<1>", link)
    return feed, entries


def _atom_text(element: Any) -> tuple[str, str]:
    """An Atom text construct: (value, feedparser content type); XHTML and src are refused."""
    if set(element.attrib) - {"type"}:
        raise _NotSimple
    kind = _map_content_type(element.attrib.get("type", "text"))
    if kind not in ("text/plain", "text/html"):
        raise _NotSimple
    return _finish(_text(element)), kind


def _atom_link(element: Any) -> str | None:
    """The href of an alternate HTML link (feedparser's `_start_link`), else None."""
    attrs = element.attrib
    if set(attrs) - {"rel", "type", "href", "title", "hreflang", "length"} or "href" not in attrs:
        raise _NotSimple
    rel = attrs.get("rel", "alternate")
    kind = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html")
    if len(element) or element.text:
        raise _NotSimple
    if rel == "alternate" and _map_content_type(kind) in _HTML_TYPES:
        return _finish(_urljoin("", attrs["href"]))
    return None


def _atom_author(element: Any) -> str:
    parts = {child.tag: _finish(_text(child)) for child in _children(element, _AUTHOR_KEEP)}
    name, email = parts.get(_ATOM + "name"), parts.get(_ATOM + "email")
    if name and email:
        return f"{name} ({email})"
    return name or email or ""


def _atom_title_or_link(fields: dict[str, Any], tag: str, child: Any) -> None:
    """An Atom title or link into `fields` (an entry's or the feed's); other tags are skipped."""
    if tag == _ATOM + "title":
        value, kind = _atom_text(child)
        fields["title"], fields["title_detail"] = value, {"type": kind}
    elif tag == _ATOM + "link":
        href = _atom_link(child)
        if href is not None:
            fields["link"] = href


def _atom_entry(element: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for child in _children(element, _ENTRY_KEEP):
        tag = child.tag
        if tag == _ATOM + "category":
            continue
        if tag == _ATOM + "id":
            if child.attrib:
                raise _NotSimple
            _guid_rules(entry, _text(child), True)
        elif tag == _ATOM + "published":
            entry["published"] = _finish(_text(child))
            entry["published_parsed"] = _parse_date(entry["published"])
        elif tag == _ATOM + "updated":
            entry["updated"] = _finish(_text(child))
            entry["updated_parsed"] = _parse_date(entry["updated"])
        elif tag == _ATOM + "author":
            author = _atom_author(child)
            if author:
                entry["author"] = author
        elif tag == _ATOM + "summary":
            value, kind = _atom_text(child)
            if "summary" in entry and not entry.get("_has_content"):
                raise _NotSimple
            entry["summary"] = value
            entry["summary_detail"] = {"type": kind, "base": ""}
        elif tag == _ATOM + "content":
            value, kind = _atom_text(child)
            entry["_has_content"] = True
            entry["content"] = [{"type": kind, "base": "", "value": value}]
            entry.setdefault("summary", value)
        else:
            _atom_title_or_link(entry, tag, child)
    entry.pop("_has_content", None)
    return entry


def _atom(root: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    feed: dict[str, Any] = {}
    entries = []
    for child in _children(root, _FEED_KEEP | {_ATOM + "entry"}):
        tag = child.tag
        if tag == _ATOM + "entry":
            entries.append(_atom_entry(child))
        elif tag == _ATOM + "id":
            if child.attrib:
                raise _NotSimple
            feed.setdefault("link", _finish(_urljoin("", _text(child))))  # until a link says
        else:
            _atom_title_or_link(feed, tag, child)
    return feed, entries


def read_simple_feed(data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """(feed fields, entry fields) as feedparser would give them, or None to use feedparser."""
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root.xpath("boolean(//@xml:base)"):
        return None
    may_have_c1 = _C1_UTF8_RE.search(data) is not None or _C1_REF_RE.search(data) is not None
    token = _MAY_HAVE_C1.set(may_have_c1)
    try:
        if root.tag == "rss":
            feed, entries = _rss(root)
        elif root.tag == _ATOM + "feed":
            if set(root.attrib) - {"{http://www.w3.org/XML/1998/namespace}lang"}:
                return None
            feed, entries = _atom(root)
        else:
            return None
    except _NotSimple:
        return None
    finally:
        _MAY_HAVE_C1.reset(token)
    return (feed, entries) if entries else None
