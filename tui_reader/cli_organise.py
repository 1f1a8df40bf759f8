"""The organising subcommands (`add`, `remove`) and the CLI ends of views, `--due` and hooks.

Exit codes follow SPEC: 2 when what was asked cannot be done as asked (not an http(s) URL,
already subscribed, a name already taken, no such feed or view, `--demo`), 1 when the site
let us down (network error, no feed found); the config is then left byte-identical.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tui_reader.cli import DATABASE_NAME, Context, UsageError, writable_config_path
from tui_reader.config import (
    add_feeds,
    load_config,
    normalize_url,
    remove_feed,
    url_problem,
)
from tui_reader.i18n import _
from tui_reader.models import ArticleQuery, Config, FeedConfig, FeedResult
from tui_reader.store import Store

if TYPE_CHECKING:
    from tui_reader.discover import FoundFeed
    from tui_reader.refresh import RefreshSummary


class SiteError(Exception):
    """The site gave no usable feed (exit 1)."""


def add_organise_parsers(sub: Any, add_parser: Callable[..., Any]) -> None:
    """`add` and `remove` on the subcommand parser (`add_parser` makes a translated one)."""
    p = add_parser("add", help=_("subscribe to a feed, or to the feed a web page announces"))
    p.description = _(
        "Subscribe: URL is a feed, or a page whose feed is discovered "
        '(<link rel="alternate">, then /feed, /rss, /feed.xml, /atom.xml, /index.xml, /rss.xml). '
        "The feed is fetched and parsed before the config is changed. Exit 2: not an http(s) "
        "URL, already subscribed, or name taken; exit 1: network error or no feed found."
    )
    p.add_argument("url", metavar="URL")
    p.add_argument("--name", metavar="NAME", help=_("the feed's name (default: its title)"))
    p.add_argument(
        "--tag", action="append", default=[], metavar="T", help=_("a tag for the feed (repeat)")
    )
    p.add_argument(
        "--choose",
        action="store_true",
        help=_("when the page offers several feeds, list them and ask which one"),
    )
    p = add_parser(
        "remove",
        help=_(
            "unsubscribe: the feed leaves the config and its articles the database "
            "(bookmarked ones excepted)"
        ),
    )
    p.add_argument("name", metavar="NAME")


def _fail_if_subscribed(config: Config, url: str) -> None:
    wanted = normalize_url(url)
    for feed in config.feeds:
        if normalize_url(feed.url) == wanted:
            raise UsageError(
                _("already subscribed: {name} ({url}); nothing changed").format(
                    name=feed.name, url=feed.url
                )
            )


def _choose(found: Sequence[FoundFeed]) -> FoundFeed:
    """Ask on stdin which of several feeds to subscribe to."""
    for number, feed in enumerate(found, 1):
        print(f"{number}. {feed.title}  <{feed.url}>")
    if len(found) == 1:
        return found[0]
    try:
        answer = input(_("Subscribe to which one? [1-{n}] ").format(n=len(found))).strip()
    except EOFError:
        answer = ""
    if not answer.isdigit() or not 1 <= int(answer) <= len(found):
        raise SiteError(_("no feed chosen; nothing changed"))
    return found[int(answer) - 1]


def cmd_add(context: Context, args: argparse.Namespace) -> int:
    """`add URL [--name NAME] [--tag T]... [--choose]`."""
    from tui_reader.discover import DiscoveryError, discover_feeds

    if context.demo:
        raise UsageError(_("add does not work with --demo (its config is not a file)"))
    url = args.url.strip()
    problem = url_problem(url)
    if problem is not None:
        raise UsageError(f"{url}: {problem}")
    config = context.config
    _fail_if_subscribed(config, url)
    name = (args.name or "").strip()
    if name and any(feed.name.casefold() == name.casefold() for feed in config.feeds):
        raise UsageError(
            _("a feed named {name!r} already exists; pick another --name").format(name=name)
        )
    tags = tuple(dict.fromkeys(tag.strip() for tag in args.tag if tag.strip()))

    async def discover() -> Sequence[FoundFeed]:
        async with context.make_fetcher() as fetcher:
            return await discover_feeds(fetcher, url, every=args.choose)

    try:
        found = asyncio.run(discover())
    except DiscoveryError as error:
        print(f"tui-reader: {error}", file=sys.stderr)
        return 1
    try:
        chosen = _choose(found) if args.choose else found[0]
    except SiteError as error:
        print(f"tui-reader: {error}", file=sys.stderr)
        return 1
    if chosen.url != url:
        _fail_if_subscribed(config, chosen.url)
    feed = FeedConfig(name=name or chosen.title, url=chosen.url, tags=tags)
    target = writable_config_path(context)
    added, _skipped = add_feeds(target, [feed])
    if not added:  # the file changed under us and has it now
        raise UsageError(_("already subscribed: {url}; nothing changed").format(url=chosen.url))
    new_config = load_config(target)
    stored = next(f for f in new_config.feeds if normalize_url(f.url) == normalize_url(feed.url))
    new_items = _store_found(context, new_config, stored, chosen)
    print(
        _("subscribed to {name} <{url}> in {file}: {n} items").format(
            name=stored.name, url=stored.url, file=target, n=new_items
        )
    )
    return 0


def _store_found(context: Context, config: Config, feed: FeedConfig, found: FoundFeed) -> int:
    """Store the entries already fetched and parsed, so the feed is readable at once."""
    from tui_reader.refresh import record_outcome, utc_now_iso
    from tui_reader.rules import apply_to_new, reconcile

    with Store.open(context.data_dir / DATABASE_NAME) as store:
        store.sync_feeds(config.feeds)
        reconcile(store, config.rules)
        now = utc_now_iso()
        new_items = store.upsert_entries(feed.url, found.parsed.entries, now=now)
        record_outcome(store, feed.url, "ok", now)
        apply_to_new(store, config.rules)
    return new_items


def cmd_remove(context: Context, args: argparse.Namespace) -> int:
    """`remove NAME`: the feed leaves the config and its unbookmarked articles the database."""
    if context.demo:
        raise UsageError(_("remove does not work with --demo (its config is not a file)"))
    path = context.config_path
    if path is None or not path.exists():
        raise UsageError(
            _("no config file to remove {name!r} from; create one with config-init").format(
                name=args.name
            )
        )
    try:
        removed = remove_feed(path, args.name)
    except KeyError:
        raise UsageError(
            _("no feed named {name!r} in {file}").format(name=args.name, file=path)
        ) from None
    config = load_config(path)
    with Store.open(context.data_dir / DATABASE_NAME) as store:
        store.sync_feeds(config.feeds)
        kept = len(store.article_ids(ArticleQuery(feed=removed.name, bookmarked=True)))
    print(
        _("removed {name} from {file}; kept {n} bookmarked articles").format(
            name=removed.name, file=path, n=kept
        )
    )
    return 0


def view_query(config: Config, name: str, base: ArticleQuery) -> ArticleQuery:
    """`base` narrowed by the query of the view called `name`; UsageError when unknown."""
    from tui_reader.query import parse_search

    for view in config.views:
        if view.name.casefold() == name.strip().casefold():
            return parse_search(view.query, base=base, now=datetime.now(UTC))
    known = ", ".join(view.name for view in config.views) or _("none in the config")
    raise UsageError(_("no view named {name!r} (views: {known})").format(name=name, known=known))


def split_due(
    config: Config, store: Store, feeds: Sequence[FeedConfig]
) -> tuple[tuple[FeedConfig, ...], tuple[FeedConfig, ...]]:
    """`(due, skipped)` among `feeds` (see `schedule.due_feeds`)."""
    from tui_reader.schedule import due_feeds

    due, waiting = due_feeds(config, feeds, store.feed_states(), datetime.now(UTC))
    return tuple(due), tuple(waiting)


def with_skipped(
    config: Config, summary: RefreshSummary, skipped: Sequence[FeedConfig]
) -> RefreshSummary:
    """`summary` with a "skipped" result for each feed left alone, in config order."""
    order = {feed.url: index for index, feed in enumerate(config.feeds)}
    results = [*summary.results, *(FeedResult(f.name, f.url, "skipped") for f in skipped)]
    results.sort(key=lambda result: order.get(result.url, 0))
    return replace(summary, results=tuple(results))


def run_after_refresh(context: Context, store: Store) -> None:
    """Run the hooks and view notifications for the items the refresh brought."""
    from tui_reader.hooks import after_refresh
    from tui_reader.notify import send_notification

    write = sys.stderr.write if sys.stderr.isatty() else None

    def notify(title: str, body: str) -> None:
        send_notification(title, body, write=write)
        if write is not None:
            sys.stderr.flush()

    report = after_refresh(context.config, store, notify=notify)
    for problem in report.problems:
        print(f"tui-reader: {problem}", file=sys.stderr)
