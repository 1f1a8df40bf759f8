"""Small feed documents written for the tests."""

from __future__ import annotations

from xml.sax.saxutils import escape


def rss(title: str, items: list[dict[str, str]], link: str = "https://example.org/") -> bytes:
    """An RSS 2.0 document; item keys: title, link, guid, pubDate, description."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link>",
    ]
    for item in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "pubDate", "description"):
            if key in item:
                parts.append(f"<{key}>{escape(item[key])}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


def numbered_items(count: int, prefix: str = "Article", day: int = 20) -> list[dict[str, str]]:
    """`count` items with distinct GUIDs and dates, newest first."""
    return [
        {
            "title": f"{prefix} {n}",
            "link": f"https://example.org/{prefix.lower()}/{n}",
            "guid": f"{prefix}-{n}",
            "pubDate": f"{day:02d} Nov 2026 {23 - (n % 24):02d}:00:00 +0000",
            "description": f"<p>Texte de l’article {n} sur l’économie numérique.</p>",
        }
        for n in range(count)
    ]
