"""Find the feed behind a URL: the URL itself, the page's `<link rel="alternate">`, or the
usual paths (`/feed`, `/rss`, ...).

Every candidate is fetched with the caller's fetcher (so the same limits on size, time,
redirects and schemes apply) and parsed before it is offered: a `FoundFeed` is a feed that
parsed. HTML and feeds are parsed in a thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from tui_reader.config import normalize_url, url_problem
from tui_reader.i18n import _
from tui_reader.models import FetchResult, ParsedFeed
from tui_reader.parse import ParseError, parse_feed
from tui_reader.text import clean_text

__all__ = [
    "FEED_TYPES",
    "USUAL_PATHS",
    "DiscoveryError",
    "FoundFeed",
    "discover_feeds",
    "feed_links",
]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/x-atom+xml",
        "text/xml",
        "application/xml",
    }
)
USUAL_PATHS: tuple[str, ...] = ("/feed", "/rss", "/feed.xml", "/atom.xml", "/index.xml", "/rss.xml")
_MAX_CANDIDATES = 10  # links a page may make us fetch


class PageFetcher(Protocol):
    """What discovery needs from `fetch.Fetcher`."""

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult: ...


class DiscoveryError(Exception):
    """No feed could be found: the message is one line naming the URL and the reason."""


@dataclass(frozen=True, slots=True)
class FoundFeed:
    """A feed that was fetched and parsed: its URL, title and parsed entries."""

    url: str
    title: str
    parsed: ParsedFeed
    via: str  # "url" (given directly), "link" (<link rel="alternate">) or "path" (/feed, ...)


def feed_links(html: bytes, base_url: str) -> list[tuple[str, str]]:
    """`(absolute URL, title)` of the feeds a page announces with `<link rel="alternate">`.

    The links may sit anywhere in the document; relative and protocol-relative hrefs are
    resolved against `<base href>` or `base_url`. Only http(s) links are kept, each once.
    """
    import lxml.html

    if not html.strip():
        return []
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    base = base_url
    for element in root.iter("base"):
        href = (element.get("href") or "").strip()
        if href:
            base = urljoin(base_url, href)
            break
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for element in root.iter("link"):
        rel = (element.get("rel") or "").lower().split()
        kind = (element.get("type") or "").split(";", 1)[0].strip().lower()
        href = (element.get("href") or "").strip()
        if "alternate" not in rel or kind not in FEED_TYPES or not href:
            continue
        url = urljoin(base, href)
        if url_problem(url) is not None or normalize_url(url) in seen:
            continue
        seen.add(normalize_url(url))
        out.append((url, clean_text(element.get("title") or "")))
    return out


def _parse(body: bytes, url: str, content_type: str) -> ParsedFeed | None:
    try:
        return parse_feed(body, url=url, content_type=content_type)
    except ParseError:
        return None


async def _try_feed(fetcher: PageFetcher, url: str, via: str) -> FoundFeed | str:
    """The feed at `url`, or a one-line reason it is not one."""
    fetched = await fetcher.fetch(url)
    if fetched.status != "ok" or fetched.body is None:
        return fetched.error or _("no answer")
    parsed = await asyncio.to_thread(
        _parse, fetched.body, fetched.final_url or url, fetched.content_type
    )
    if parsed is None:
        return _("not a feed")
    title = parsed.title or (urlsplit(url).hostname or url)
    return FoundFeed(url=url, title=title, parsed=parsed, via=via)


async def discover_feeds(
    fetcher: PageFetcher, url: str, *, every: bool = False
) -> Sequence[FoundFeed]:
    """The feed at `url`, or the feeds its page announces, or one at a usual path.

    With `every`, all the feeds the page announces (for `add --choose`); otherwise the first
    that parses. Raises `DiscoveryError` (one line) when nothing is found or `url` cannot be
    fetched.
    """
    problem = url_problem(url)
    if problem is not None:
        raise DiscoveryError(f"{url}: {problem}")
    fetched = await fetcher.fetch(url)
    if fetched.status != "ok" or fetched.body is None:
        raise DiscoveryError(
            _("{url}: {error}").format(url=url, error=fetched.error or _("no answer"))
        )
    final = fetched.final_url or url
    parsed = await asyncio.to_thread(_parse, fetched.body, final, fetched.content_type)
    if parsed is not None:
        title = parsed.title or (urlsplit(url).hostname or url)
        return [FoundFeed(url=url, title=title, parsed=parsed, via="url")]
    links = await asyncio.to_thread(feed_links, fetched.body, final)
    found: list[FoundFeed] = []
    for link, _title in links[:_MAX_CANDIDATES]:
        result = await _try_feed(fetcher, link, "link")
        if isinstance(result, FoundFeed):
            found.append(result)
            if not every:
                return found
    if found:
        return found
    tried = {normalize_url(link) for link, _title in links}
    for path in USUAL_PATHS:
        candidate = urljoin(final, path)
        if normalize_url(candidate) in tried:
            continue
        result = await _try_feed(fetcher, candidate, "path")
        if isinstance(result, FoundFeed):
            return [result]
    raise DiscoveryError(
        _(
            "{url}: no feed found (the page links to none that works, and none of "
            "{paths} is a feed); give the feed's own URL"
        ).format(url=url, paths=", ".join(USUAL_PATHS))
    )
