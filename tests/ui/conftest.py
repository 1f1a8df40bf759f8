"""UI fixtures: a real SQLite store filled through the real parser, and an app factory.

Helpers every Pilot test shares:
- `started(app)`: run the app headless and wait until its first load has settled.
- `settle(pilot)`: wait until every worker has finished and the screen has caught up;
  `settle_all(pilot)` until none runs any more (pictures load after the article).
- `press_for_screen(pilot, key, kind)`: press a key and wait for the screen it opens.
- `opened_links(app, monkeypatch)`: the URLs the app opens in a graphical session.
- `main_screen(app)`, `text_of(widget)`, `select_title`, `open_title`, `help_table(pilot)`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from tests.conftest import wait_until
from tui_reader.demo import DEMO_FEEDS, demo_feed_bytes, demo_feed_url
from tui_reader.models import Config, FeedConfig, Settings
from tui_reader.parse import parse_feed
from tui_reader.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.widgets.headline_list import HeadlineList

FIXED_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FETCHED_AT = "2026-11-28T12:00:00+00:00"

HOSTILE_URL = "https://hostile.example/feed.xml"
HOSTILE_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile</title><link>https://hostile.example/</link>
<item><title>[bold red]Pwned[/] [@click=app.quit]click me[/] [link=file:///etc/passwd]x[/link]</title>
<link>https://hostile.example/a</link><guid>h1</guid>
<pubDate>Tue, 24 Nov 2026 08:00:00 +0000</pubDate>
<description>Body with [reverse]markup[/reverse] &amp; escape&#27;[31m red</description></item>
<item><title>Title with &#27;]52;c;ZXZpbA==&#7; clipboard and &#27;[2J clear</title>
<link>javascript:alert(1)</link><guid>h2</guid>
<pubDate>Mon, 23 Nov 2026 08:00:00 +0000</pubDate>
<description>plain</description></item>
</channel></rss>
"""


def sample_config(extra: tuple[FeedConfig, ...] = (), **settings: object) -> Config:
    """The demo feeds plus a hostile one, with manual refresh so nothing runs by itself."""
    feeds = tuple(
        FeedConfig(name=name, url=demo_feed_url(filename), tags=tags)
        for name, filename, tags in DEMO_FEEDS
    )
    feeds += (FeedConfig(name="Hostile [red]feed[/]", url=HOSTILE_URL, tags=("tech",)),)
    # full_articles "never": the sample items link to real sites, and tests stay on 127.0.0.1.
    values: dict[str, object] = {"refresh_interval": 0, "keep_days": 0, "full_articles": "never"}
    values.update(settings)
    return Config(settings=Settings(**values), feeds=feeds + extra)  # type: ignore[arg-type]


def fill_store(store: Store, config: Config) -> None:
    """Parse the bundled demo feeds and the hostile feed into `store`."""
    store.sync_feeds(config.feeds)
    for _, filename, _ in DEMO_FEEDS:
        url = demo_feed_url(filename)
        parsed = parse_feed(demo_feed_bytes(filename), url=url, fetched_at=FETCHED_AT)
        store.upsert_entries(url, parsed.entries, now=FETCHED_AT)
    parsed = parse_feed(HOSTILE_RSS.encode(), url=HOSTILE_URL, fetched_at=FETCHED_AT)
    store.upsert_entries(HOSTILE_URL, parsed.entries, now=FETCHED_AT)


@pytest.fixture(autouse=True)
def utc_timezone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates are shown in local time: pin it so screens are the same everywhere."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.fixture
def store(db_path: Path) -> Store:
    store = Store.open(db_path)
    fill_store(store, sample_config())
    yield store
    store.close()


AppFactory = Callable[..., ReaderApp]


@pytest.fixture
def make_app(store: Store) -> AppFactory:
    """Build the app the way `cli.main` does, with a fixed clock."""

    def make(
        config: Config | None = None, app_store: Store | None = None, **kwargs: object
    ) -> ReaderApp:
        kwargs.setdefault("clock", lambda: FIXED_NOW)
        return ReaderApp(config or sample_config(), app_store or store, **kwargs)  # type: ignore[arg-type]

    return make


class MixedFetcher:
    """Demo feeds from package data, every other URL over real HTTP (the local test server)."""

    async def __aenter__(self) -> MixedFetcher:
        from tui_reader.demo.fetcher import DemoFetcher
        from tui_reader.fetch import Fetcher

        self.demo = DemoFetcher()
        self.http = await Fetcher(timeout=10).__aenter__()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.http.__aexit__(*exc_info)

    async def fetch(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        if url.startswith("https://demo."):
            return await self.demo.fetch(url, **kwargs)  # type: ignore[arg-type]
        return await self.http.fetch(url, **kwargs)  # type: ignore[arg-type]


async def wait_for_palette(pilot: Any, hits: int | None = None, first: str = "") -> None:
    """Wait until the command palette has finished its search: `hits` results listed (any
    number when None), the first highlighted, and its prompt containing `first`."""
    from textual.command import CommandList, CommandPalette

    def listed() -> bool:
        palette = pilot.app.screen
        if not isinstance(palette, CommandPalette):
            return False
        commands = palette.query_one(CommandList)
        if commands.has_class("--populating") or commands.highlighted != 0:
            return False
        if hits is not None and commands.option_count != hits:
            return False
        return first in str(commands.get_option_at_index(0).prompt)

    await wait_until(pilot, listed)
    await pilot.app.workers.wait_for_complete()


async def settle(pilot: Any) -> None:
    """Wait until every worker has finished and the screen has caught up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settle_all(pilot: Any) -> None:
    """Wait until no worker runs any more: opening an article starts the picture loader,
    which starts a second rendering when its pictures arrive."""
    for _ in range(20):
        await settle(pilot)
        if not any(worker.is_running for worker in pilot.app.workers):
            return
    raise AssertionError("workers still running")


@asynccontextmanager
async def started(
    app: ReaderApp, size: tuple[int, int] = (120, 40), **options: Any
) -> AsyncIterator[Pilot[Any]]:
    """Run `app` headless (`App.run_test`) and hand over its pilot once the first load settled."""
    async with app.run_test(size=size, **options) as pilot:
        await settle(pilot)
        yield pilot


def main_screen(app: Any) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def text_of(widget: Static) -> str:
    return str(widget.visual)


ScreenT = TypeVar("ScreenT", bound=Screen[Any])


async def press_for_screen(pilot: Any, key: str, kind: type[ScreenT]) -> ScreenT:
    """Press `key` and wait until the screen it opens is on top."""
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind))
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


def opened_links(app: ReaderApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """In a graphical session (no `$BROWSER`), the URLs the app's own opener is asked to open."""
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    return opened


async def select_title(pilot: Any, title: str) -> None:
    """Put the list's cursor on the article called `title`."""
    headlines = main_screen(pilot.app).query_one(HeadlineList)
    for index in range(headlines.total):
        article = headlines.article_at(index)
        if article is not None and article.title == title:
            headlines.cursor = index
            return
    raise AssertionError(f"{title!r} not listed")


async def open_title(pilot: Any, title: str) -> None:
    """Open the article called `title` (enter on its row) and settle."""
    await select_title(pilot, title)
    await pilot.press("enter")
    await settle(pilot)


async def help_table(pilot: Any) -> str:
    """Open the help screen with `?` and return its table's text."""
    from tui_reader.ui.screens.help import HelpScreen

    help_screen = await press_for_screen(pilot, "question_mark", HelpScreen)
    return text_of(help_screen.query_one("#help-table", Static))
