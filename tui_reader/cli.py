"""Command line: global options, SPEC's subcommands, plain or JSON output, exit codes.

Exit codes: 0 ok (per-feed failures are reported, not fatal), 2 usage or config error,
1 unexpected failure (one line; the traceback only with --debug).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_reader import __version__, collector
from tui_reader.cli_lang import (
    TranslatedArgumentParser,
    TranslatedHelpFormatter,
    add_help_option,
    choose_language,
    data_dir_for,
)
from tui_reader.cli_launch import reader_launch_args
from tui_reader.config import ConfigError, add_feeds, load_config, write_starter_config
from tui_reader.dates import decimal, long_date
from tui_reader.errors import describe
from tui_reader.i18n import _, current_language, ngettext, set_language
from tui_reader.models import Article, ArticleQuery, Config, Cursor, FeedConfig, FeedResult
from tui_reader.paths import config_write_path, resolve_config_path
from tui_reader.store import Store, StoreError

if TYPE_CHECKING:
    from tui_reader.refresh import FeedFetcher, RefreshSummary
    from tui_reader.sync.engine import SyncSummary

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
        from tui_reader.rules import reconcile

        reconcile(store, self.config.rules)
        return store

    def make_fetcher(self) -> AbstractAsyncContextManager[FeedFetcher]:
        """A fresh fetcher (an async context manager) honouring the config's limits."""
        if self.demo:
            from tui_reader.demo.fetcher import DemoFetcher

            return DemoFetcher()
        from tui_reader.fetch import Fetcher

        return Fetcher.from_settings(self.config.settings)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: global options first, then a subcommand."""
    parser = TranslatedArgumentParser(
        prog="tui-reader",
        description=_(
            "A fast, keyboard-first terminal news reader. Without a subcommand, "
            "launches the reader."
        ),
        formatter_class=TranslatedHelpFormatter,
        add_help=False,
    )
    add_help_option(parser)
    parser.add_argument(
        "--config",
        metavar="PATH",
        help=_("config file (default: $TUI_READER_CONFIG, then the platform config dir)"),
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=_("data directory (default: $TUI_READER_DATA_DIR, then the platform data dir)"),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("use bundled sample feeds and a throw-away data dir (offline)"),
    )
    parser.add_argument(
        "--debug", action="store_true", help=_("show tracebacks on unexpected errors")
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"tui-reader {__version__}",
        help=_("show the version and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")

    def add_parser(name: str, help: str) -> argparse.ArgumentParser:
        command = sub.add_parser(
            name, help=help, formatter_class=TranslatedHelpFormatter, add_help=False
        )
        add_help_option(command)
        return command

    p = add_parser("refresh", help=_("fetch feeds headlessly"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument("--feed", metavar="NAME", help=_("refresh only this feed"))
    p.add_argument(
        "--due",
        action="store_true",
        help=_("only feeds whose refresh_interval has elapsed (the others: status skipped)"),
    )

    p = add_parser("headlines", help=_("list articles, newest first"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help=_("only items with this tag (repeat: all of them)"),
    )
    p.add_argument("--feed", metavar="NAME", help=_("only this feed"))
    p.add_argument("--unread", action="store_true", help=_("only unread items"))
    p.add_argument("--bookmarked", action="store_true", help=_("only bookmarked items"))
    p.add_argument(
        "--search",
        metavar="Q",
        help=_("search: words, +tag, -tag, =feed, @7d, is:unread, is:bookmarked"),
    )
    p.add_argument(
        "--limit",
        type=positive_int,
        default=50,
        metavar="N",
        help=_("at most N items (default 50)"),
    )
    p.add_argument(
        "--view", metavar="NAME", help=_("a saved view's query ([[views]] in the config)")
    )
    p.add_argument(
        "--all",
        action="store_true",
        help=_("include the items hidden by rules (is:hidden: only them)"),
    )

    p = add_parser("show", help=_("print one article"))
    p.add_argument("id", type=positive_int, metavar="ID")
    p.add_argument("--full", action="store_true", help=_("fetch the full article first"))

    for name, text in (
        ("bookmark", _("bookmark an article")),
        ("unbookmark", _("remove a bookmark")),
        ("mark-read", _("mark an article as read")),
        ("mark-unread", _("mark an article as unread")),
    ):
        p = add_parser(name, help=text)
        p.add_argument("id", type=positive_int, metavar="ID")

    p = add_parser("bookmarks", help=_("list or export bookmarks"))
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help=_("print JSON"))
    group.add_argument("--markdown", action="store_true", help=_("print a Markdown list"))

    p = add_parser("import", help=_("add feeds from OPML or a newsboat urls file"))
    p.add_argument("file", metavar="FILE")

    p = add_parser("export", help=_("write the feeds as OPML 2.0"))
    p.add_argument("file", nargs="?", metavar="FILE")

    from tui_reader.cli_organise import add_organise_parsers

    add_organise_parsers(sub, add_parser)

    p = add_parser(
        "sync", help=_("sync the [[accounts]]: push local changes, then pull feeds, items, state")
    )
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument("--account", metavar="NAME", help=_("sync only this account"))

    add_parser("check-config", help=_("validate the config"))
    add_parser("config-init", help=_("write a commented starter config (never overwrites)"))
    return parser


def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a number: {text}").format(text=repr(text))
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be 1 or more: {value}").format(value=value))
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


def console_main() -> int:
    """Entry point of the `tui-reader` script: `main`, in a process that then ends.

    The objects made so far (the imports') and by the command are moved out of the
    collector's sight (`gc.freeze`): the collections of a long refresh no longer walk them
    again and again, and the interpreter's exit does not walk the whole heap (0.2–1 s after
    a refresh). Nothing is lost: the process ends right after.
    """
    import gc

    # httpcore imports trio whenever it is installed (a test dependency pulls it in), for
    # its own locks under trio; this program runs on asyncio only. Marking it absent saves
    # importing trio and attrs at every start (40-90 ms).
    sys.modules.setdefault("trio", None)  # type: ignore[arg-type]
    gc.freeze()
    collector.pause()  # until the reader's first frame, or the command starts (collector.py)
    try:
        return main()
    finally:
        gc.freeze()
        collector.resume()


def main(argv: Sequence[str] | None = None) -> int:
    """The command line, run in-process (`console_main` is the script's entry point)."""
    arguments = glue_search_values(sys.argv[1:] if argv is None else list(argv))
    choose_language(arguments)  # before the parser and any UI module: both hold words
    args = reader_launch_args(arguments)  # the reader's launch: no parser to build (issue 11)
    if args is None:
        args = build_parser().parse_args(arguments)
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
    except BrokenPipeError:
        # Whoever read the output stopped reading (`| head`): no message, and nothing left
        # for the exit's flush to fail on.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:
        if args.debug:
            raise
        message = describe(error)
        print(
            _("tui-reader: unexpected error: {message} (run with --debug for details)").format(
                message=message
            ),
            file=sys.stderr,
        )
        return 1


def reader_config(path: Path, data_dir_flag: str | None) -> Config:
    """The reader's config: the one validated at the last launch while the file is unchanged
    (kept in the data directory, `config_cache.py`; issue 11), else `load_config(path)`."""
    from tui_reader.config_cache import launch_config

    return launch_config(path, data_dir_for(data_dir_flag))


def run(args: argparse.Namespace, cleanup: ExitStack) -> int:
    """Build the context and dispatch to the subcommand."""
    if args.command is not None or args.demo:
        collector.resume()  # paused by the script only for the reader's start (collector.py)
    if args.command == "config-init":
        return cmd_config_init(args)

    config_path = None if args.demo and not args.config else resolve_config_path(args.config)
    if args.demo and not args.config:
        from tui_reader.demo.fetcher import demo_config

        config = demo_config()
    elif args.command is None and not args.demo and config_path is not None:
        config = reader_config(config_path, args.data_dir)
    else:
        config = load_config(config_path)
    set_language(config.settings.language)
    if args.command == "check-config":
        from tui_reader.sync.accounts import password_warnings

        for warning in password_warnings(config):
            print(warning, file=sys.stderr)
        where = config_path if config_path is not None else _("embedded default config")
        feeds = ngettext("{n} feed", "{n} feeds", len(config.feeds)).format(n=len(config.feeds))
        print(_("{where}: OK ({feeds})").format(where=where, feeds=feeds))
        return 0

    if args.demo and not args.data_dir:
        data_dir = Path(
            cleanup.enter_context(tempfile.TemporaryDirectory(prefix="tui-reader-demo-"))
        )
    else:
        data_dir = data_dir_for(args.data_dir)
    context = Context(config=config, config_path=config_path, data_dir=data_dir, demo=args.demo)

    if args.command in ("add", "remove"):
        from tui_reader.cli_organise import cmd_add, cmd_remove

        return cmd_add(context, args) if args.command == "add" else cmd_remove(context, args)

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
        "mark-unread": cmd_set_state,
        "bookmarks": cmd_bookmarks,
        "sync": cmd_sync,
    }
    return handlers[args.command](context, store, args)


# --- refresh ---------------------------------------------------------------------------


async def run_refresh(
    context: Context,
    store: Store,
    *,
    feed_name: str | None = None,
    on_result: Callable[[FeedResult, int, int], None] | None = None,
    due: bool = False,
) -> RefreshSummary:
    """Refresh every feed (or one by name; or, with `due`, those whose interval elapsed)."""
    from tui_reader.refresh import (  # feedparser and friends: only when refreshing
        CLI_INLINE_PARSE_BYTES,
        refresh_all,
    )

    feeds = context.config.feeds
    if feed_name is not None:
        feeds = tuple(feed for feed in feeds if feed.name == feed_name)
        if not feeds:
            raise UsageError(
                _("no feed named {name} in the config (see `headlines --json`)").format(
                    name=repr(feed_name)
                )
            )
    skipped: tuple[FeedConfig, ...] = ()
    if due:
        from tui_reader.cli_organise import split_due

        feeds, skipped = split_due(context.config, store, feeds)
    async with context.make_fetcher() as fetcher:
        summary = await refresh_all(
            context.config,
            store,
            fetcher,
            feeds=feeds,
            on_result=on_result,
            inline_parse_bytes=CLI_INLINE_PARSE_BYTES,
        )
    if skipped:
        from tui_reader.cli_organise import with_skipped

        summary = with_skipped(context.config, summary, skipped)
    return summary


def cmd_refresh(context: Context, store: Store, args: argparse.Namespace) -> int:
    """`refresh [--json] [--feed NAME]`."""
    if sys.stderr.isatty():
        summary = refresh_with_progress_bar(context, store, args.feed, due=args.due)
    else:
        summary = asyncio.run(run_refresh(context, store, feed_name=args.feed, due=args.due))
    from tui_reader.cli_organise import run_after_refresh

    accounts = run_sync(context, store) if context.config.accounts and not args.feed else None
    if args.json:
        full_text = fetch_full_texts_after_refresh(context, store, summary, report=False)
        document = {**summary.to_json(), "full_text": full_text}
        document["accounts"] = [r.to_json() for r in accounts.accounts] if accounts else []
        print(json.dumps(document, ensure_ascii=False))
        run_after_refresh(context, store)
        fetch_full_texts_after_sync(context, store, accounts, report=False)
        return 0
    if accounts is not None:
        print_sync_results(accounts)
    for result in summary.results:
        if result.status == "skipped":
            print(_("skip   {name}").format(name=result.name))
        elif result.status == "error":
            print(_("error  {name}: {error}").format(name=result.name, error=result.error))
        elif result.status == "not_modified":
            print(_("same   {name}").format(name=result.name))
        else:
            print(
                ngettext(
                    "ok     {name}: {n} new", "ok     {name}: {n} new", result.new_items
                ).format(name=result.name, n=result.new_items)
            )
    failed = len(summary.errors)
    count = len(summary.results)
    print(
        ngettext("{n} feed", "{n} feeds", count).format(n=count)
        + ", "
        + ngettext("{n} new item", "{n} new items", summary.new_items).format(n=summary.new_items)
        + ", "
        + ngettext("{n} failed", "{n} failed", failed).format(n=failed)
        + " "
        + _("in {seconds} s").format(seconds=decimal(summary.elapsed_s))
    )
    run_after_refresh(context, store)
    fetch_full_texts_after_refresh(context, store, summary, report=True)
    fetch_full_texts_after_sync(context, store, accounts, report=True)
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
    from tui_reader.fulltext import feeds_with_setting, pending_full_texts

    # Pages are looked for among the items of feeds that brought new ones; a failed page is
    # retried (after its back-off) in any feed that answered.
    answered = {r.url for r in summary.results if r.status not in ("error", "skipped")}
    grown = {result.url for result in summary.results if result.new_items}
    retry = [feed for feed in context.config.feeds if feed.url in answered]
    feeds = [feed for feed in retry if feed.url in grown]
    if not retry or not feeds_with_setting(context.config, retry):
        return counts
    picked = pending_full_texts(context.config, store, feeds, limit=30, retry_feeds=retry)
    if not picked:
        return counts  # nothing to fetch: no fetcher opened
    return _fill_full_texts(context, store, feeds, report=report, retry=retry, picked=picked)


def _fill_full_texts(
    context: Context,
    store: Store,
    feeds: Sequence[FeedConfig],
    *,
    report: bool,
    retry: Sequence[FeedConfig] = (),
    picked: Sequence[tuple[int, str]] | None = None,
) -> dict[str, int]:
    """Fetch the full texts of `feeds` (at most 30 pages, within the `timeout` setting's
    budget: never a long wait), print the counts with `report` when anything was tried, and
    return SPEC's `"full_text"` counts."""
    from tui_reader.fulltext import fill_full_texts_report

    sys.stdout.flush()

    async def fill() -> dict[str, int]:
        async with context.make_fetcher() as fetcher:
            done = await fill_full_texts_report(
                context.config,
                store,
                fetcher,
                limit=30,
                feeds=feeds,
                budget=context.config.settings.timeout,
                retry_feeds=retry,
                picked=picked,
            )
        return done.to_json()

    counts = asyncio.run(fill())
    if report and (counts["fetched"] or counts["failed"]):
        print(
            _("full articles: {fetched} fetched, {failed} failed").format(
                fetched=counts["fetched"], failed=counts["failed"]
            )
        )
    return counts


def refresh_with_progress_bar(
    context: Context, store: Store, feed_name: str | None, *, due: bool = False
) -> RefreshSummary:
    """Refresh with a progress bar on stderr (only used when stderr is a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn(_("Refreshing")),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def on_result(result: FeedResult, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description="")

        return asyncio.run(
            run_refresh(context, store, feed_name=feed_name, on_result=on_result, due=due)
        )


# --- sync ------------------------------------------------------------------------------


def run_sync(context: Context, store: Store, account: str | None = None) -> SyncSummary:
    """Sync the config's accounts (or one), each failure being its result's error."""
    from tui_reader.sync.engine import sync_all

    return asyncio.run(sync_all(context.config, store, only=account))


def print_sync_results(summary: SyncSummary) -> None:
    """One line per account."""
    from tui_reader.i18n import _

    for result in summary.accounts:
        if result.status == "error":
            print(_("error  {name}: {error}").format(name=result.name, error=result.error))
        else:
            print(
                _("ok     {name}: {new} new, {pushed} pushed").format(
                    name=result.name, new=result.new_items, pushed=result.pushed
                )
            )


def cmd_sync(context: Context, store: Store, args: argparse.Namespace) -> int:
    """`sync [--json] [--account NAME]`."""
    from tui_reader.i18n import _

    names = [account.name for account in context.config.accounts]
    if args.account is not None and args.account not in names:
        known = ", ".join(names) or _("none configured")
        raise UsageError(
            _("no account named {name} in the config ({known})").format(
                name=repr(args.account), known=known
            )
        )
    summary = run_sync(context, store, args.account)
    if args.json:
        print(json.dumps(summary.to_json(), ensure_ascii=False))
    else:
        if not summary.accounts:
            print(_("no [[accounts]] in the config"))
        print_sync_results(summary)
    from tui_reader.cli_organise import run_after_refresh

    run_after_refresh(context, store)  # hooks and notifications see the synced items too
    fetch_full_texts_after_sync(context, store, summary, report=not args.json)
    return 0


def fetch_full_texts_after_sync(
    context: Context, store: Store, summary: SyncSummary | None, *, report: bool
) -> None:
    """Automatic full text for the synced accounts' summary-only items (`full_articles`)."""
    if summary is None or context.demo or context.config.settings.full_articles == "never":
        return
    from tui_reader.sync.localstate import feed_urls_of

    ok = [r.name for r in summary.accounts if r.status == "ok" and r.new_items]
    feed_urls = [url for name in ok for url in feed_urls_of(store, name)]
    if not feed_urls:
        return
    feeds = [FeedConfig(name=url, url=url) for url in feed_urls]
    _fill_full_texts(context, store, feeds, report=report)


# --- reading ---------------------------------------------------------------------------


def article_json(article: Article) -> dict[str, Any]:
    """SPEC's item shape for `headlines --json` and `bookmarks --json` (the hooks' own)."""
    from tui_reader.hooks import item_json

    return item_json(article)


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
            raise UsageError(_("no feed named {name}").format(name=repr(args.feed)))
    query = ArticleQuery(
        tags=tuple(args.tag), feed=args.feed, unread=args.unread, bookmarked=args.bookmarked
    )
    if args.all:
        query = replace(query, hidden="include")
    if args.view is not None:
        from tui_reader.cli_organise import view_query

        query = view_query(context.config, args.view, query)
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
        print(_("No articles."))
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
        raise UsageError(
            _("no article with id {id} (see `tui-reader headlines`)").format(id=article_id)
        )
    return article


def cmd_show(context: Context, store: Store, args: argparse.Namespace) -> int:
    """`show ID`: the article rendered for the terminal; feed text is data, never markup."""
    article = get_article_or_fail(store, args.id)
    if args.full and article.full_text is None:
        from tui_reader.fulltext import fetch_full_text

        async def fetch() -> str | None:
            async with context.make_fetcher() as fetcher:
                result = await fetch_full_text(fetcher, store, article.id)
            return result.error

        error = asyncio.run(fetch())
        article = get_article_or_fail(store, args.id)
        if article.full_text is None:
            reason = error or article.full_text_error or _("unknown error")
            print(
                _(
                    "tui-reader: showing the feed's text: full article unavailable ({reason})"
                ).format(reason=reason),
                file=sys.stderr,
            )
    print_article(article)
    return 0


def cmd_set_state(context: Context, store: Store, args: argparse.Namespace) -> int:
    """`bookmark`, `unbookmark`, `mark-read`, `mark-unread`."""
    article = get_article_or_fail(store, args.id)
    if args.command == "bookmark":
        store.set_bookmarked(article.id, True)
    elif args.command == "unbookmark":
        store.set_bookmarked(article.id, False)
    elif args.command == "mark-unread":
        store.set_read([article.id], False)
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
    console.print(Text(article.title or _("(untitled)"), style="bold"))
    minutes = reading_time_minutes(text) if text else 0
    reading = ngettext("{n} min read", "{n} min read", minutes).format(n=minutes) if text else ""
    published = long_date(article.published) if current_language() != "en" else article.published
    byline = " · ".join(part for part in (article.feed, article.author, published, reading) if part)
    console.print(Text(byline, style="dim"))
    if article.link:
        console.print(Text(article.link, style="underline"))
    if article.full_text is None and article.full_text_error:
        note = _("Feed text shown; full article unavailable: {error}").format(
            error=article.full_text_error
        )
        console.print(Text(note, style="dim italic"))
    elif article.full_text is None and not article.body and article.link:
        note = _("Summary only: `tui-reader show {id} --full` fetches the article.").format(
            id=article.id
        )
        console.print(Text(note, style="dim italic"))
    console.print()
    console.print(Markdown(text or _("(no text)")))
    from tui_reader.footnotes import article_links, footnotes

    links = article_links(article.link, text or "")
    if links:  # the same numbered list as the reader's `L`
        console.print()
        console.print(Text(footnotes(links), style="dim"))


# --- config and subscriptions ----------------------------------------------------------


def writable_config_path(context: Context) -> Path:
    """Where `import` writes: the config in use, or the platform path for the embedded one."""
    return context.config_path if context.config_path is not None else config_write_path(None)


def cmd_import(context: Context, args: argparse.Namespace) -> int:
    """`import FILE`: OPML or newsboat urls → new [[feeds]] in the config, comments kept."""
    from tui_reader.opml import read_subscriptions

    source = Path(args.file)
    if not source.is_file():
        raise UsageError(_("{file}: no such file").format(file=source))
    result = read_subscriptions(source)
    target = writable_config_path(context)
    added, skipped = add_feeds(target, result.feeds)
    for reason in result.skipped:
        print(_("skipped: {reason}").format(reason=reason), file=sys.stderr)
    print(
        ngettext(
            "{file}: added {n} feed, skipped {skipped} already present",
            "{file}: added {n} feeds, skipped {skipped} already present",
            added,
        ).format(file=target, n=added, skipped=skipped)
    )
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
            _("{file}: already exists; not overwritten (edit it, or remove it first)").format(
                file=path
            )
        ) from None
    print(_("wrote {file}").format(file=path))
    return 0


# --- the TUI ---------------------------------------------------------------------------


def cmd_tui(context: Context, store: Store, args: argparse.Namespace) -> int:
    """Launch the reader. The UI is imported only here so headless commands start fast."""
    from tui_reader.dates import start_warm_up

    warm_up = start_warm_up()  # Babel's French data loads while Textual is imported
    from tui_reader.ui.app import ReaderApp

    if warm_up is not None:
        warm_up.join()
    app = ReaderApp(context.config, store, make_fetcher=context.make_fetcher, demo=context.demo)
    app.run()
    return app.return_code or 0
