"""Command line: global options, SPEC's subcommands, plain or JSON output, exit codes.

Exit codes: 0 ok (per-feed failures are reported, not fatal), 2 usage or config error,
1 unexpected failure (one line; the traceback only with --debug).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tui_reader import __version__
from tui_reader.config import ConfigError, add_feeds, load_config, write_starter_config
from tui_reader.models import Article, ArticleQuery, Config, Cursor, FeedResult
from tui_reader.paths import config_write_path, resolve_config_path, resolve_data_dir
from tui_reader.store import Store, StoreError

if TYPE_CHECKING:
    from tui_reader.refresh import FeedFetcher, RefreshSummary

DATABASE_NAME = "tui-reader.db"


class UsageError(Exception):
    """A mistake in what the user asked for: exit code 2."""


@dataclass
class Context:
    """What every subcommand needs: the config, where data lives and how to fetch."""

    config: Config
    config_path: Path | None
    data_dir: Path
    demo: bool

    def open_store(self) -> Store:
        """Open the database and align its feed list with the config."""
        store = Store.open(self.data_dir / DATABASE_NAME)
        store.sync_feeds(self.config.feeds)
        return store

    def make_fetcher(self) -> AbstractAsyncContextManager[FeedFetcher]:
        """A fresh fetcher (an async context manager) honouring the config's limits."""
        if self.demo:
            from tui_reader.demo.fetcher import DemoFetcher

            return DemoFetcher()
        from tui_reader.fetch import Fetcher

        settings = self.config.settings
        return Fetcher(
            concurrency=settings.concurrency,
            per_host=settings.per_host_connections,
            timeout=settings.timeout,
            max_bytes=settings.max_feed_bytes,
        )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: global options first, then a subcommand."""
    parser = argparse.ArgumentParser(
        prog="tui-reader",
        description="A fast, keyboard-first terminal news reader. Without a subcommand, "
        "launches the reader.",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: $TUI_READER_CONFIG, then the platform config dir)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="data directory (default: $TUI_READER_DATA_DIR, then the platform data dir)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use bundled sample feeds and a throw-away data dir (offline)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on unexpected errors")
    parser.add_argument("--version", action="version", version=f"tui-reader {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")

    p = sub.add_parser("refresh", help="fetch feeds headlessly")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--feed", metavar="NAME", help="refresh only this feed")

    p = sub.add_parser("headlines", help="list articles, newest first")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help="only items with this tag (repeat: all of them)",
    )
    p.add_argument("--feed", metavar="NAME", help="only this feed")
    p.add_argument("--unread", action="store_true", help="only unread items")
    p.add_argument("--bookmarked", action="store_true", help="only bookmarked items")
    p.add_argument(
        "--search",
        metavar="Q",
        help="search: words, +tag, -tag, =feed, @7d, is:unread, is:bookmarked",
    )
    p.add_argument(
        "--limit", type=positive_int, default=50, metavar="N", help="at most N items (default 50)"
    )

    p = sub.add_parser("show", help="print one article")
    p.add_argument("id", type=positive_int, metavar="ID")
    p.add_argument("--full", action="store_true", help="fetch the full article first")

    for name, text in (
        ("bookmark", "bookmark an article"),
        ("unbookmark", "remove a bookmark"),
        ("mark-read", "mark an article as read"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("id", type=positive_int, metavar="ID")

    p = sub.add_parser("bookmarks", help="list or export bookmarks")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print JSON")
    group.add_argument("--markdown", action="store_true", help="print a Markdown list")

    p = sub.add_parser("import", help="add feeds from OPML or a newsboat urls file")
    p.add_argument("file", metavar="FILE")

    p = sub.add_parser("export", help="write the feeds as OPML 2.0")
    p.add_argument("file", nargs="?", metavar="FILE")

    sub.add_parser("check-config", help="validate the config")
    sub.add_parser("config-init", help="write a commented starter config (never overwrites)")
    return parser


def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {value}")
    return value


def glue_search_values(argv: list[str]) -> list[str]:
    """`--search -sport` → `--search=-sport`: a query may start with `-tag`, which argparse
    would otherwise take for an option."""
    glued: list[str] = []
    index = 0
    while index < len(argv):
        if argv[index] == "--search" and index + 1 < len(argv):
            glued.append(f"--search={argv[index + 1]}")
            index += 2
        else:
            glued.append(argv[index])
            index += 1
    return glued


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tui-reader` script."""
    parser = build_parser()
    args = parser.parse_args(glue_search_values(sys.argv[1:] if argv is None else list(argv)))
    try:
        with ExitStack() as cleanup:
            return run(args, cleanup)
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 2
    except UsageError as error:
        print(f"tui-reader: {error}", file=sys.stderr)
        return 2
    except StoreError as error:
        print(f"tui-reader: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if args.debug:
            raise
        message = " ".join(f"{type(error).__name__}: {error}".split())
        print(
            f"tui-reader: unexpected error: {message} (run with --debug for details)",
            file=sys.stderr,
        )
        return 1


def run(args: argparse.Namespace, cleanup: ExitStack) -> int:
    """Build the context and dispatch to the subcommand."""
    if args.command == "config-init":
        return cmd_config_init(args)

    config_path = None if args.demo and not args.config else resolve_config_path(args.config)
    if args.demo and not args.config:
        from tui_reader.demo.fetcher import demo_config

        config = demo_config()
    else:
        config = load_config(config_path)
    if args.command == "check-config":
        where = config_path if config_path is not None else "embedded default config"
        print(f"{where}: OK ({len(config.feeds)} feeds)")
        return 0

    if args.data_dir:
        data_dir = Path(args.data_dir)
    elif args.demo:
        data_dir = Path(
            cleanup.enter_context(tempfile.TemporaryDirectory(prefix="tui-reader-demo-"))
        )
    else:
        data_dir = resolve_data_dir(None)
    context = Context(config=config, config_path=config_path, data_dir=data_dir, demo=args.demo)

    if args.command in ("import", "export"):
        return cmd_import(context, args) if args.command == "import" else cmd_export(context, args)

    store = context.open_store()
    cleanup.callback(store.close)
    if args.demo and args.command != "refresh" and store.last_refresh() is None:
        asyncio.run(run_refresh(context, store))

    handlers: dict[str | None, Callable[[Context, Store, argparse.Namespace], int]] = {
        None: cmd_tui,
        "refresh": cmd_refresh,
        "headlines": cmd_headlines,
        "show": cmd_show,
        "bookmark": cmd_set_state,
        "unbookmark": cmd_set_state,
        "mark-read": cmd_set_state,
        "bookmarks": cmd_bookmarks,
    }
    return handlers[args.command](context, store, args)


# --- refresh ---------------------------------------------------------------------------


async def run_refresh(
    context: Context,
    store: Store,
    *,
    feed_name: str | None = None,
    on_result: Callable[[FeedResult, int, int], None] | None = None,
) -> RefreshSummary:
    """Refresh every feed (or one by name) with the context's fetcher."""
    from tui_reader.refresh import refresh_all  # feedparser and friends: only when refreshing

    feeds = context.config.feeds
    if feed_name is not None:
        feeds = tuple(feed for feed in feeds if feed.name == feed_name)
        if not feeds:
            raise UsageError(f"no feed named {feed_name!r} in the config (see `headlines --json`)")
    async with context.make_fetcher() as fetcher:
        return await refresh_all(context.config, store, fetcher, feeds=feeds, on_result=on_result)


def cmd_refresh(context: Context, store: Store, args: argparse.Namespace) -> int:
    """`refresh [--json] [--feed NAME]`."""
    if sys.stderr.isatty():
        summary = refresh_with_progress_bar(context, store, args.feed)
    else:
        summary = asyncio.run(run_refresh(context, store, feed_name=args.feed))
    if args.json:
        full_text = fetch_full_texts_after_refresh(context, store, summary, report=False)
        print(json.dumps({**summary.to_json(), "full_text": full_text}, ensure_ascii=False))
        return 0
    for result in summary.results:
        if result.status == "error":
            print(f"error  {result.name}: {result.error}")
        elif result.status == "not_modified":
            print(f"same   {result.name}")
        else:
            print(f"ok     {result.name}: {result.new_items} new")
    failed = len(summary.errors)
    print(
        f"{len(summary.results)} feeds, {summary.new_items} new items, {failed} failed "
        f"in {summary.elapsed_s:.1f} s"
    )
    fetch_full_texts_after_refresh(context, store, summary, report=True)
    return 0


def fetch_full_texts_after_refresh(
    context: Context, store: Store, summary: RefreshSummary, *, report: bool
) -> dict[str, int]:
    """Fetch full articles for the refreshed feeds' items that want them (`full_articles`).

    At most 30 pages a run, newest first; no page fetch starts after the `timeout` setting
    has passed (what is left is skipped until the next refresh). Failed pages are retried
    with back-off, never at every refresh. Skipped in the demo, which works offline.
    Returns SPEC's `"full_text"` counts; with `report`, prints them when anything was tried.
    """
    counts = {"fetched": 0, "failed": 0, "skipped": 0}
    if context.demo:
        return counts
    from tui_reader.fulltext import (
        PageFetcher,
        feeds_with_setting,
        fill_full_texts_report,
        pending_full_texts,
    )

    # Pages are looked for among the items of feeds that brought new ones; a failed page is
    # retried (after its back-off) in any feed that answered.
    refreshed = {result.url for result in summary.results if result.status != "error"}
    grown = {result.url for result in summary.results if result.new_items}
    retry = [feed for feed in context.config.feeds if feed.url in refreshed]
    feeds = [feed for feed in retry if feed.url in grown]
    if not retry or not feeds_with_setting(context.config, retry):
        return counts
    picked = pending_full_texts(context.config, store, feeds, limit=30, retry_feeds=retry)
    if not picked:
        return counts  # nothing to fetch: no fetcher opened
    sys.stdout.flush()

    async def fill() -> dict[str, int]:
        async with context.make_fetcher() as fetcher:
            page_fetcher = cast("PageFetcher", fetcher)
            done = await fill_full_texts_report(
                context.config,
                store,
                page_fetcher,
                limit=30,
                feeds=feeds,
                budget=context.config.settings.timeout,
                retry_feeds=retry,
                picked=picked,
            )
        return done.to_json()

    counts = asyncio.run(fill())
    if report and (counts["fetched"] or counts["failed"]):
        print(f"full articles: {counts['fetched']} fetched, {counts['failed']} failed")
    return counts


def refresh_with_progress_bar(
    context: Context, store: Store, feed_name: str | None
) -> RefreshSummary:
    """Refresh with a progress bar on stderr (only used when stderr is a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("Refreshing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def on_result(result: FeedResult, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description="")

        return asyncio.run(run_refresh(context, store, feed_name=feed_name, on_result=on_result))


# --- reading ---------------------------------------------------------------------------


def article_json(article: Article) -> dict[str, Any]:
    """SPEC's item shape for `headlines --json` and `bookmarks --json`."""
    return {
        "id": article.id,
        "feed": article.feed,
        "title": article.title,
        "link": article.link,
        "author": article.author,
        "published": article.published,
        "tags": list(article.tags),
        "read": article.read,
        "bookmarked": article.bookmarked,
    }


def collect(store: Store, query: ArticleQuery, limit: int | None) -> list[Article]:
    """Read up to `limit` headlines (all when None) by keyset pages."""
    articles: list[Article] = []
    cursor = None
    while limit is None or len(articles) < limit:
        page_size = 500 if limit is None else min(500, limit - len(articles))
        page = store.headlines(query, after=cursor, limit=page_size)
        articles.extend(page)
        if len(page) < page_size:
            break
        last = page[-1]
        cursor = Cursor(last.published, last.id)
    return articles


def cmd_headlines(context: Context, store: Store, args: argparse.Namespace) -> int:
    """`headlines` with every filter."""
    from datetime import UTC, datetime

    from tui_reader.query import parse_search

    feed_names = {feed.name for feed in context.config.feeds}
    if args.feed is not None and args.feed not in feed_names:
        known = {count.name for count in store.feed_counts()}
        if args.feed not in known:
            raise UsageError(f"no feed named {args.feed!r}")
    query = ArticleQuery(
        tags=tuple(args.tag), feed=args.feed, unread=args.unread, bookmarked=args.bookmarked
    )
    if args.search:
        query = parse_search(args.search, base=query, now=datetime.now(UTC))
    articles = collect(store, query, args.limit)
    if args.json:
        print(json.dumps([article_json(a) for a in articles], ensure_ascii=False, indent=2))
    else:
        print_headline_table(articles)
    return 0


def print_headline_table(articles: Sequence[Article]) -> None:
    """A plain table: id, flags, date, feed, title (text only; no markup is interpreted)."""
    if not articles:
        print("No articles.")
        return
    id_width = max(len(str(a.id)) for a in articles)
    feed_width = min(24, max(len(a.feed) for a in articles))
    for article in articles:
        flags = ("N" if not article.read else " ") + ("*" if article.bookmarked else " ")
        date = article.published[:16].replace("T", " ")
        feed = article.feed[:feed_width].ljust(feed_width)
        print(f"{article.id:>{id_width}} {flags} {date}  {feed}  {article.title}")


def get_article_or_fail(store: Store, article_id: int) -> Article:
    """The article with this id, or a usage error naming it."""
    article = store.get_article(article_id)
    if article is None:
        raise UsageError(f"no article with id {article_id} (see `tui-reader headlines`)")
    return article


def cmd_show(context: Context, store: Store, args: argparse.Namespace) -> int:
    """`show ID`: the article rendered for the terminal; feed text is data, never markup."""
    article = get_article_or_fail(store, args.id)
    if args.full and article.full_text is None:
        from tui_reader.fulltext import PageFetcher, fetch_full_text

        async def fetch() -> str | None:
            async with context.make_fetcher() as fetcher:
                result = await fetch_full_text(cast("PageFetcher", fetcher), store, article.id)
            return result.error

        error = asyncio.run(fetch())
        article = get_article_or_fail(store, args.id)
        if article.full_text is None:
            reason = error or article.full_text_error or "unknown error"
            print(
                f"tui-reader: showing the feed's text: full article unavailable ({reason})",
                file=sys.stderr,
            )
    print_article(article)
    return 0


def cmd_set_state(context: Context, store: Store, args: argparse.Namespace) -> int:
    """`bookmark`, `unbookmark`, `mark-read`."""
    article = get_article_or_fail(store, args.id)
    if args.command == "bookmark":
        store.set_bookmarked(article.id, True)
    elif args.command == "unbookmark":
        store.set_bookmarked(article.id, False)
    else:
        store.set_read([article.id], True)
    return 0


def cmd_bookmarks(context: Context, store: Store, args: argparse.Namespace) -> int:
    """`bookmarks [--json | --markdown]`."""
    articles = collect(store, ArticleQuery(bookmarked=True), None)
    if args.json:
        print(json.dumps([article_json(a) for a in articles], ensure_ascii=False, indent=2))
    elif args.markdown:
        print(bookmarks_markdown(articles), end="")
    else:
        print_headline_table(articles)
    return 0


def markdown_escape(text: str) -> str:
    """Escape the characters that would change a Markdown link's text."""
    return "".join("\\" + ch if ch in "\\[]*_`<>#" else ch for ch in text)


def bookmarks_markdown(articles: Sequence[Article]) -> str:
    """Bookmarks as a Markdown list, one link per line."""
    lines = ["# Bookmarks", ""]
    for article in articles:
        title = markdown_escape(article.title or "(untitled)")
        entry = f"[{title}](<{article.link}>)" if article.link else title
        lines.append(f"- {entry} — {markdown_escape(article.feed)}, {article.published[:10]}")
    return "\n".join(lines) + "\n"


def print_article(article: Article) -> None:
    """Render an article with Rich: header as plain Text, body as Markdown (never as markup)."""
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.text import Text

    from tui_reader.extract import reading_time_minutes

    text = article.full_text or article.body or article.summary
    console = Console(highlight=False)
    console.print(Text(article.title or "(untitled)", style="bold"))
    reading = f"{reading_time_minutes(text)} min read" if text else ""
    byline = " · ".join(
        part for part in (article.feed, article.author, article.published, reading) if part
    )
    console.print(Text(byline, style="dim"))
    if article.link:
        console.print(Text(article.link, style="underline"))
    if article.full_text is None and article.full_text_error:
        note = f"Feed text shown; full article unavailable: {article.full_text_error}"
        console.print(Text(note, style="dim italic"))
    elif article.full_text is None and not article.body and article.link:
        note = f"Summary only: `tui-reader show {article.id} --full` fetches the article."
        console.print(Text(note, style="dim italic"))
    console.print()
    console.print(Markdown(text or "(no text)"))


# --- config and subscriptions ----------------------------------------------------------


def writable_config_path(context: Context) -> Path:
    """Where `import` writes: the config in use, or the platform path for the embedded one."""
    return context.config_path if context.config_path is not None else config_write_path(None)


def cmd_import(context: Context, args: argparse.Namespace) -> int:
    """`import FILE`: OPML or newsboat urls → new [[feeds]] in the config, comments kept."""
    from tui_reader.opml import read_subscriptions

    source = Path(args.file)
    if not source.is_file():
        raise UsageError(f"{source}: no such file")
    result = read_subscriptions(source)
    target = writable_config_path(context)
    added, skipped = add_feeds(target, result.feeds)
    for reason in result.skipped:
        print(f"skipped: {reason}", file=sys.stderr)
    print(f"{target}: added {added} feeds, skipped {skipped} already present")
    return 0


def cmd_export(context: Context, args: argparse.Namespace) -> int:
    """`export [FILE]`: OPML 2.0 to FILE or stdout."""
    from tui_reader.opml import write_opml

    text = write_opml(context.config.feeds)
    if args.file:
        Path(args.file).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_config_init(args: argparse.Namespace) -> int:
    """`config-init`: write the commented starter config; never overwrite."""
    path = config_write_path(args.config)
    try:
        write_starter_config(path)
    except FileExistsError:
        raise UsageError(
            f"{path}: already exists; not overwritten (edit it, or remove it first)"
        ) from None
    print(f"wrote {path}")
    return 0


# --- the TUI ---------------------------------------------------------------------------


def cmd_tui(context: Context, store: Store, args: argparse.Namespace) -> int:
    """Launch the reader. The UI is imported only here so headless commands start fast."""
    from tui_reader.ui.app import ReaderApp

    app = ReaderApp(context.config, store, make_fetcher=context.make_fetcher, demo=context.demo)
    app.run()
    return app.return_code or 0
