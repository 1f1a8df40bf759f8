"""Full articles: fetch an item's page, extract its main text, store it (or why it failed).

`wants_full_text` and `effective_setting` decide, from `full_articles` ("auto", "always",
"never", globally or per feed), which items deserve their page. `fetch_full_text` fetches
one article's page with the feeds' `Fetcher` (same timeout, size cap, redirect and scheme
rules), extracts it off the event loop and stores the Markdown, or a one-line reason while
the feed's own text stays. `fill_full_texts` does that, a few at a time and newest first,
for the items a refresh brought in. Failures are values: no exception leaves this module.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ParamSpec
from urllib.parse import urlsplit

from tui_reader import resolve
from tui_reader.charset import codec_name, decode_bytes
from tui_reader.errors import one_line
from tui_reader.extract import extract_markdown, is_summary_only
from tui_reader.fetch import PAGE_ACCEPT, UrlFetcher
from tui_reader.models import Config, FeedConfig

# parse.py registers the "UTF-8, else Windows-1252 byte by byte" codec error handler.
from tui_reader.store import Store
from tui_reader.urls import port_of

__all__ = [
    "ALL_SHORT_MIN_ITEMS",
    "ALL_SHORT_RATIO",
    "FillReport",
    "FullTextResult",
    "PageFetcher",
    "decode_page",
    "effective_setting",
    "feed_is_all_short",
    "feeds_with_setting",
    "fetch_full_text",
    "fill_full_texts",
    "fill_full_texts_report",
    "pending_full_texts",
    "wants_full_text",
]

#: A feed is "all short" when at least this many of its newest items were looked at …
ALL_SHORT_MIN_ITEMS = 3
#: … and at least this share of them are summaries.
ALL_SHORT_RATIO = 0.8
_RECENT_PER_FEED = 10  # newest items per feed the "all short" rule looks at
_SCAN_FACTOR = 10  # candidates read per wanted one, since "auto" skips whole articles
_MAX_ERROR_CHARS = 200


# The fetcher full text takes: the one fetcher Protocol (the name is kept for callers).
PageFetcher = UrlFetcher


@dataclass(frozen=True, slots=True)
class FullTextResult:
    """What fetching one article's full text did; `error` is one line when `ok` is False."""

    article_id: int
    ok: bool
    error: str | None = None
    text: str | None = None


# --------------------------------------------------------------------------- settings


def wants_full_text(setting: str, summary: str, body: str, *, feed_all_short: bool = False) -> bool:
    """Whether an item with this feed text should get its page under `setting`."""
    if setting == "never":
        return False
    if setting == "always":
        return True
    return feed_all_short or is_summary_only(summary, body)


def effective_setting(config: Config, feed_url: str) -> str:
    """The feed's own `full_articles` when it has one, else the global setting."""
    for feed in config.feeds:
        if feed.url == feed_url and feed.full_articles is not None:
            return feed.full_articles
    return config.settings.full_articles


def feed_is_all_short(texts: Sequence[tuple[str, str]]) -> bool:
    """The feed-level rule: enough recent items, nearly all of them summaries."""
    if len(texts) < ALL_SHORT_MIN_ITEMS:
        return False
    short = sum(is_summary_only(summary, body) for summary, body in texts)
    return short >= ALL_SHORT_RATIO * len(texts)


# --------------------------------------------------------------------------- decoding

_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I)
_META_CHARSET_RE = re.compile(
    rb"""<meta\b[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I
)
_META_SCAN_BYTES = 8192


def decode_page(body: bytes, content_type: str) -> str:
    """An HTML page's text: BOM, else Content-Type charset, else `<meta charset>`, else UTF-8.

    Bytes that are not valid in UTF-8 are read as Windows-1252, as are latin-1 labels.
    """
    header = _HEADER_CHARSET_RE.search(content_type or "")
    meta = _META_CHARSET_RE.search(body[:_META_SCAN_BYTES])
    meta_codec = codec_name(meta.group(1).decode("ascii")) if meta else None
    if meta_codec is not None and meta_codec.startswith(("utf_16", "utf_32")):
        meta_codec = "utf_8"  # a page that can declare it in ASCII is not UTF-16
    return decode_bytes(body, (header.group(1) if header else None, meta_codec))


_HTML_TYPES = ("text/html", "application/xhtml+xml")
_SNIFF_TYPES = ("", "application/octet-stream", "binary/octet-stream", "text/plain")
_HTML_SNIFF_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.I)


def _html_problem(content_type: str, body: bytes) -> str | None:
    """Why this response is not an HTML page, or None when it is one."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in _HTML_TYPES:
        return None
    # Some servers label HTML generically; look at the start of the body then.
    if media in _SNIFF_TYPES and _HTML_SNIFF_RE.search(body[:1024].lstrip()):
        return None
    return f"not an HTML page ({media or 'no content type'})"


def _one_line(message: str) -> str:
    return one_line(message, _MAX_ERROR_CHARS)


# --------------------------------------------------------------------------- fetching


# Character references to C0 controls and DEL (`&#27;` is ESC): trafilatura loses a whole
# page that decodes one into its tree, and they are stripped from stored text anyway. Tab,
# LF and CR stay; &#128;-&#159; stay too, since HTML reads them as Windows-1252 (&#150; is –).
_CONTROL_REF_RE = re.compile(
    r"&#(?:0*(?:[0-8]|1[124-9]|2[0-9]|3[01]|127)(?![0-9])"
    r"|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])(?![0-9a-fA-F]));?"
)


def _page_to_markdown(body: bytes, content_type: str, url: str) -> str | None:
    """Decode and extract in one call, so the whole CPU-bound part runs in the executor."""
    html = decode_page(body, content_type)
    if "&#" in html:
        html = _CONTROL_REF_RE.sub("", html)
    return extract_markdown(html, url)


async def fetch_full_text(
    fetcher: PageFetcher,
    store: Store,
    article_id: int,
    *,
    executor: Executor | None = None,
) -> FullTextResult:
    """Fetch, extract and store one article's full text; on failure store the reason.

    The feed's summary and body are never touched. When the article already holds a full
    text and fetching it again fails, the stored text is kept and only the result says why.
    Store work and extraction run off the event loop; no exception escapes.
    """
    try:
        article = await asyncio.to_thread(store.get_article, article_id)
    except Exception as exc:
        return FullTextResult(article_id, False, _one_line(f"cannot read the article: {exc}"))
    if article is None:
        return FullTextResult(article_id, False, f"no article with id {article_id}")

    async def fail(reason: str) -> FullTextResult:
        reason = _one_line(reason)
        if article.full_text is None:
            try:
                await asyncio.to_thread(
                    store.record_full_text_failure, [article_id], reason, now=datetime.now(UTC)
                )
            except Exception as exc:
                reason = _one_line(f"{reason}; and could not store it: {exc}")
        return FullTextResult(article_id, False, reason)

    if not article.link:
        return await fail("the article has no link to fetch")
    try:
        page = await fetcher.fetch(article.link, accept=PAGE_ACCEPT)
    except Exception as exc:  # a fetcher that breaks its promise still ends in a value
        return await fail(f"unexpected error: {type(exc).__name__}: {exc}")
    if page.status != "ok" or page.body is None:
        return await fail(page.error or "the page could not be fetched")
    problem = _html_problem(page.content_type, page.body)
    if problem is not None:
        return await fail(problem)
    loop = asyncio.get_running_loop()
    try:
        text = await loop.run_in_executor(
            executor,
            _page_to_markdown,
            page.body,
            page.content_type,
            page.final_url or article.link,
        )
    except Exception as exc:
        return await fail(f"could not extract the page: {type(exc).__name__}: {exc}")
    if not text:
        return await fail("nothing to extract from the page")
    try:
        await asyncio.to_thread(store.set_full_text, article_id, text, None)
    except Exception as exc:
        return FullTextResult(article_id, False, _one_line(f"could not store it: {exc}"))
    return FullTextResult(article_id, True, None, text)


# --------------------------------------------------------------------------- filling


def _pick_candidates(
    config: Config, store: Store, feeds: Sequence[FeedConfig], limit: int
) -> list[int]:
    """Ids of the newest articles (at most `limit`) whose feed's setting asks for them."""
    return [article_id for article_id, _ in _pick_candidate_links(config, store, feeds, limit)]


def _pick_candidate_links(
    config: Config,
    store: Store,
    feeds: Sequence[FeedConfig],
    limit: int,
    retry_feeds: Sequence[FeedConfig] = (),
) -> list[tuple[int, str]]:
    """`(id, link)` of the newest articles (at most `limit`) whose feed's setting wants them,
    then failed ones of `retry_feeds` that are due again."""
    picked = _pick_new_candidates(config, store, feeds, limit) if feeds else []
    if retry_feeds and len(picked) < limit:
        urls = [f.url for f in retry_feeds if effective_setting(config, f.url) != "never"]
        seen = {article_id for article_id, _ in picked}
        if urls:
            rows = store.full_text_candidates(limit, feed_urls=urls, retries_only=True)
            picked += [(row[0], row[2]) for row in rows if row[0] not in seen]
    return picked[:limit]


def _pick_new_candidates(
    config: Config, store: Store, feeds: Sequence[FeedConfig], limit: int
) -> list[tuple[int, str]]:
    """`(id, link)` of the newest articles (at most `limit`) whose feed's setting wants them."""
    settings = {feed.url: effective_setting(config, feed.url) for feed in feeds}
    urls = [url for url, setting in settings.items() if setting != "never"]
    if not urls or limit <= 0:
        return []
    rows = store.full_text_candidates(limit * _SCAN_FACTOR, feed_urls=urls)
    undecided: list[tuple[int, str]] = []  # (row index, feed) left to the feed-level rule
    wanted: dict[int, bool] = {}
    for index, (_, url, _, summary, body) in enumerate(rows):
        if wants_full_text(settings[url], summary, body):
            wanted[index] = True
        elif settings[url] == "auto":
            undecided.append((index, url))
    if undecided:
        samples = store.recent_texts([url for _, url in undecided], _RECENT_PER_FEED)
        all_short = {url: feed_is_all_short(texts) for url, texts in samples.items()}
        for index, url in undecided:
            if all_short.get(url, False):
                wanted[index] = True
    return [(row[0], row[2]) for index, row in enumerate(rows) if wanted.get(index)][:limit]


@dataclass(slots=True)
class FillReport:
    """What `fill_full_texts_report` did: results in completion order, and what it skipped.

    `skipped` counts wanted pages left for a later refresh: the time budget ran out, or
    their site could not be reached earlier in the same run.
    """

    results: list[FullTextResult] = field(default_factory=list)
    skipped: int = 0

    @property
    def fetched(self) -> int:
        """Articles that got their full text."""
        return sum(result.ok for result in self.results)

    @property
    def failed(self) -> int:
        """Articles whose page could not be had (the reason is stored, with back-off)."""
        return sum(not result.ok for result in self.results)

    def to_json(self) -> dict[str, int]:
        """SPEC's `"full_text"` object of `refresh --json`."""
        return {"fetched": self.fetched, "failed": self.failed, "skipped": self.skipped}


# Errors after which the other pages of the same site are not tried in this run.
_SITE_DOWN_PREFIXES = ("could not resolve host", "connection refused", "could not connect", "TLS")


def _site(link: str) -> tuple[str, int]:
    """(host, port) of a link, for the "site is down" memory of one run."""
    try:
        parts = urlsplit(link)
        port = port_of(parts.scheme, parts.port)
    except ValueError:
        return "", 0
    return (parts.hostname or "").lower(), port


async def fill_full_texts_report(
    config: Config,
    store: Store,
    fetcher: PageFetcher,
    *,
    limit: int = 30,
    concurrency: int = 3,
    on_result: Callable[[FullTextResult], None] | None = None,
    feeds: Sequence[FeedConfig] | None = None,
    executor: Executor | None = None,
    budget: float | None = None,
    resolve_timeout: float = resolve.DEFAULT_TIMEOUT,
    retry_feeds: Sequence[FeedConfig] = (),
    picked: Sequence[tuple[int, str]] | None = None,
) -> FillReport:
    """Fetch the full text of up to `limit` articles that want it, newest first.

    Candidates have a link and no full text, no attempt yet or a failed one whose back-off
    has passed (see `Store.full_text_candidates`), in `feeds` (default: every configured
    feed) whose effective `full_articles` asks for them: "always", or "auto" for
    summary-only items and for every item of a feed whose items are all short.
    Articles sharing a link get one fetch. At most `concurrency` pages are fetched at once.
    A site whose name does not resolve within `resolve_timeout`, or that refuses the
    connection, fails its first page and the others of this run are skipped. With a
    `budget` (seconds), no page fetch starts once it has run out (one under way ends within
    the fetcher's own timeout); what is left is skipped and left for next time.
    `retry_feeds` adds the failed pages of those feeds whose back-off has passed (a refresh
    passes the feeds with new items as `feeds`, and every feed it reached here).
    `picked` (from `pending_full_texts`) skips choosing the articles again.
    """
    report = FillReport()
    deadline = None if budget is None else time.monotonic() + budget
    targets = tuple(config.feeds if feeds is None else feeds)
    if picked is None:
        try:
            picked = await asyncio.to_thread(
                _pick_candidate_links, config, store, targets, limit, tuple(retry_feeds)
            )
        except Exception:
            return report  # nothing to report per article; the next refresh tries again
    ids = [article_id for article_id, _ in picked]
    by_link: dict[str, list[int]] = {}
    for article_id, link in picked:
        by_link.setdefault(link, []).append(article_id)
    slots = asyncio.Semaphore(max(1, concurrency))
    down: dict[tuple[str, int], str] = {}
    resolved: dict[tuple[str, int], asyncio.Task[str | None]] = {}

    def deliver(result: FullTextResult) -> None:
        report.results.append(result)
        if on_result is not None:
            on_result(result)

    async def fail(article_ids: list[int], reason: str) -> None:
        """Record `reason` as the failure of `article_ids` and deliver it for each."""
        try:
            await asyncio.to_thread(
                store.record_full_text_failure, article_ids, reason, now=datetime.now(UTC)
            )
        except Exception as exc:
            reason = _one_line(f"{reason}; and could not store it: {exc}")
        for article_id in article_ids:
            deliver(FullTextResult(article_id, False, reason))

    async def one(link: str, group: list[int]) -> None:
        site = _site(link)
        async with slots:
            if site in down or (deadline is not None and time.monotonic() >= deadline):
                return  # counted as skipped at the end
            if site[0] and site not in resolved:
                resolved[site] = asyncio.ensure_future(
                    resolve.problem(site[0], site[1], timeout=resolve_timeout)
                )
            problem = await resolved[site] if site[0] else None
            if problem is not None:
                if site in down:
                    return  # counted as skipped at the end
                down[site] = problem
                await fail(group, problem)
                return
            result = await fetch_full_text(fetcher, store, group[0], executor=executor)
        if not result.ok and (result.error or "").startswith(_SITE_DOWN_PREFIXES):
            down.setdefault(site, result.error or "")
        deliver(result)
        rest = group[1:]
        if not rest:
            return
        # The same page for other articles: stored from this one fetch.
        if result.ok and result.text is not None:
            for other in rest:
                try:
                    await asyncio.to_thread(store.set_full_text, other, result.text, None)
                    deliver(FullTextResult(other, True, None, result.text))
                except Exception as exc:
                    deliver(FullTextResult(other, False, _one_line(f"could not store it: {exc}")))
        else:
            await fail(rest, result.error or "the page could not be fetched")

    await asyncio.gather(*(one(link, group) for link, group in by_link.items()))
    for task in resolved.values():
        task.cancel()
    finished = {result.article_id for result in report.results}
    report.skipped = sum(1 for article_id in ids if article_id not in finished)
    return report


def pending_full_texts(
    config: Config,
    store: Store,
    feeds: Sequence[FeedConfig],
    *,
    limit: int = 30,
    retry_feeds: Sequence[FeedConfig] = (),
) -> list[tuple[int, str]]:
    """`(id, link)` of the articles `fill_full_texts_report` would fetch (blocking: a thread).

    Lets a caller skip opening a fetcher at all when there is nothing to fetch.
    """
    try:
        return _pick_candidate_links(config, store, feeds, limit, tuple(retry_feeds))
    except Exception:
        return []


P = ParamSpec("P")


def _results_only(
    fill: Callable[P, Awaitable[FillReport]],
) -> Callable[P, Awaitable[list[FullTextResult]]]:
    """`fill` answering with its report's results only (same arguments)."""

    async def results(*args: P.args, **kwargs: P.kwargs) -> list[FullTextResult]:
        return (await fill(*args, **kwargs)).results

    return results


fill_full_texts = _results_only(fill_full_texts_report)
"""`fill_full_texts_report`'s results only (in completion order)."""


def feeds_with_setting(config: Config, feeds: Sequence[FeedConfig] | None = None) -> bool:
    """True when any of `feeds` (default: all) may get full texts automatically."""
    targets = config.feeds if feeds is None else feeds
    return any(effective_setting(config, feed.url) != "never" for feed in targets)
