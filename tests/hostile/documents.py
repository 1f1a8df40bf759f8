"""Feed documents written raw, so that tests can put anything anywhere (nothing is escaped)."""

from __future__ import annotations

import json
from typing import Any

XML_DECL = '<?xml version="1.0" encoding="utf-8"?>'


def element(tag: str, text: str | None, attrs: str = "") -> str:
    """`<tag attrs>text</tag>`, or nothing when `text` is empty or None."""
    return f"<{tag}{attrs}>{text}</{tag}>" if text else ""


def rss_item(
    title: str = "",
    *,
    link: str = "",
    guid: str | None = None,
    pub: str = "Tue, 24 Nov 2026 08:00:00 +0000",
    desc: str = "",
    extra: str = "",
) -> str:
    """One RSS 2.0 <item>; every value goes in as written (escape it yourself)."""
    # An empty guid is written (<guid></guid>): only None leaves it out.
    guid_element = "" if guid is None else f'<guid isPermaLink="false">{guid}</guid>'
    return (
        f"<item>{element('title', title)}{element('link', link)}{guid_element}"
        f"{element('pubDate', pub)}{element('description', desc)}{extra}</item>"
    )


def rss(
    items: list[str],
    *,
    title: str = "Hostile",
    decl: str = XML_DECL,
    channel_extra: str = "",
    link: str = "https://hostile.example/",
) -> str:
    """An RSS 2.0 document (with the content and dc namespaces) around raw items."""
    return (
        f"{decl}\n"
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{title}</title><link>{link}</link>{channel_extra}"
        + "\n".join(items)
        + "</channel></rss>\n"
    )


def atom_entry(
    title: str,
    *,
    id: str,
    link: str = "",
    updated: str = "2026-11-24T08:00:00Z",
    content: str = "",
    content_type: str = "html",
    title_type: str = "text",
    author: str = "",
    extra: str = "",
) -> str:
    """One Atom <entry>, raw."""
    link_element = f'<link rel="alternate" href="{link}"/>' if link else ""
    author_element = element("author", element("name", author))
    content_element = element("content", content, f' type="{content_type}"')
    return (
        f'<entry><title type="{title_type}">{title}</title><id>{id}</id>{link_element}'
        f"<updated>{updated}</updated>{author_element}{content_element}{extra}</entry>"
    )


def atom(entries: list[str], *, title: str = "Hostile Atom", attrs: str = "") -> str:
    """An Atom 1.0 document around raw entries."""
    return (
        f"{XML_DECL}\n"
        f'<feed xmlns="http://www.w3.org/2005/Atom" {attrs}><title>{title}</title>'
        "<id>urn:hostile:atom</id><updated>2026-11-24T08:00:00Z</updated>"
        + "\n".join(entries)
        + "</feed>\n"
    )


def json_feed(items: list[dict[str, Any]], *, version: str = "1.1", **top: Any) -> bytes:
    """A JSON Feed; non-ASCII and controls are written as \\u escapes."""
    document = {
        "version": f"https://jsonfeed.org/version/{version}",
        "title": "Hostile JSON",
        "home_page_url": "https://hostile.example/",
        **top,
        "items": items,
    }
    return json.dumps(document, ensure_ascii=True).encode("ascii")


def char_refs(text: str) -> str:
    """Every character that is not plain printable ASCII as an XML character reference."""
    return "".join(
        ch if 0x20 <= ord(ch) < 0x7F and ch not in "<&" else f"&#{ord(ch)};" for ch in text
    )


def xml_escape(text: str) -> str:
    """Escape &, < and > for element text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
