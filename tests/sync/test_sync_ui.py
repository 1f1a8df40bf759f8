"""The reader with a sync account: R syncs in a worker, the sidebar groups the account's feeds."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.sync.greader_server import GReaderServer, Item, sample_state
from tests.ui.conftest import FIXED_NOW, fill_store, sample_config, settle, started
from tui_reader.demo.fetcher import DemoFetcher
from tui_reader.models import AccountConfig, ArticleQuery, Config
from tui_reader.store import Store
from tui_reader.sync import localstate
from tui_reader.sync.localstate import AccountState
from tui_reader.sync.status import account_status_line
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.widgets.sidebar import Sidebar
from tui_reader.ui.widgets.status_line import StatusLine


@pytest.fixture
def server() -> Iterator[GReaderServer]:
    running = GReaderServer(sample_state(int(time.time())))
    yield running
    running.close()


def config_with(server: GReaderServer, password: str | None = None) -> Config:
    account = AccountConfig(
        "maison",
        "greader",
        server.url,
        server.state.username,
        password=password or server.state.password,
        tags=("serveur",),
    )
    return replace(sample_config(), accounts=(account,))


def reader(config: Config, store: Store) -> ReaderApp:
    return ReaderApp(config, store, clock=lambda: FIXED_NOW, make_fetcher=DemoFetcher)


@asynccontextmanager
async def reader_with_account(
    server: GReaderServer, tmp_path: Path, password: str | None = None
) -> AsyncIterator[tuple[Store, ReaderApp, Pilot[Any]]]:
    """The sample store plus the server's account, and the reader over it, started."""
    with Store.open(tmp_path / "db.sqlite") as store:
        config = config_with(server, password)
        fill_store(store, config)
        app = reader(config, store)
        async with started(app) as pilot:
            yield store, app, pilot


def prompts(sidebar: Sidebar) -> list[tuple[str, str]]:
    return [(option.id or "", str(option.prompt)) for option in sidebar.options]


async def test_r_syncs_and_the_sidebar_groups_the_account(
    server: GReaderServer, tmp_path: Path
) -> None:
    async with reader_with_account(server, tmp_path) as (store, app, pilot):
        status = app.screen.query_one(StatusLine)
        assert status.text == "maison: never synced"
        await pilot.press("R")
        await settle(pilot)
        assert store.count(ArticleQuery(tags=("serveur",))) == 7
        options = prompts(app.screen.query_one(Sidebar))
        ids = [option_id for option_id, _ in options]
        header = ids.index("account:maison")
        assert header > max(i for i, o in enumerate(ids) if "demo" in o)
        under = [prompt for _, prompt in options[header + 1 :]]
        assert under[0].startswith("  Sport news") and under[1].startswith("  Tech news")
        assert options[header][1].split()[-1] == "7"  # unread of the account
        # The status line shows the account's state (it showed "never synced" before).
        assert status.text.startswith("maison: synced")


async def test_r_on_an_account_feed_syncs_that_account(
    server: GReaderServer, tmp_path: Path
) -> None:
    async with reader_with_account(server, tmp_path) as (store, app, pilot):
        screen = app.screen
        assert isinstance(screen, MainScreen)
        app.refresher.refresh([], sync=True)
        await settle(pilot)
        server.state.items[1_700_000_000_000_009] = Item(
            1_700_000_000_000_009, "feed/1", "Tech late", "<p>x</p>", "https://e.org/l", 1
        )
        server.state.log.clear()
        screen.set_filter(replace(screen.filter, feed="Tech news"))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "Tech late" in {a.title for a in store.headlines(ArticleQuery(), limit=100)}
        # It came by id from the server, in this sync.
        assert server.requests_to("stream/items/contents")


async def test_a_failed_sync_is_one_line_and_the_reader_keeps_working(
    server: GReaderServer, tmp_path: Path
) -> None:
    async with reader_with_account(server, tmp_path, "wrong-password-123") as (store, app, pilot):
        before = store.count(ArticleQuery())
        screen = app.screen
        assert isinstance(screen, MainScreen)
        app.refresher.refresh([], sync=True)
        await settle(pilot)
        text = screen.query_one(StatusLine).text
        assert text == "maison: sync failed: wrong username or password (HTTP 401)"
        assert "wrong-password-123" not in text
        assert store.count(ArticleQuery()) == before
        await pilot.press("j", "m")
        await settle(pilot)
        assert store.count(ArticleQuery(unread=True)) < before


def test_status_lines() -> None:
    now = FIXED_NOW
    ok = AccountState("maison", "fever", "2026-11-28T11:58:00+00:00", "ok", None, None)
    assert account_status_line("maison", ok, now) == "maison: synced 2 min ago"
    assert account_status_line("maison", replace(ok, last_sync=now.isoformat()), now) == (
        "maison: synced just now"
    )
    old = replace(ok, last_sync="2026-11-25T12:00:00+00:00")
    assert account_status_line("maison", old, now) == "maison: synced 3 days ago"
    failed = replace(ok, last_status="error", last_error="connection refused")
    assert account_status_line("maison", failed, now) == "maison: sync failed: connection refused"
    assert account_status_line("maison", None, now) == "maison: never synced"
    assert localstate.feed_url("a b", "feed/1") == "tui-reader-account://a%20b/feed%2F1"


def test_snapshot_account_in_the_sidebar(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The account's feeds under its name, its unread count, its state on the status line."""
    state = sample_state(int(FIXED_NOW.timestamp()))  # fixed dates: a stable picture
    server = GReaderServer(state)
    store = Store.open(tmp_path / "db.sqlite")
    try:
        config = config_with(server)
        fill_store(store, config)

        async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
            await settle(pilot)
            await pilot.press("R")
            await settle(pilot)
            assert store.count(ArticleQuery(tags=("serveur",))) == 7
            await pilot.press("j")
            await settle(pilot)

        assert snap_compare(reader(config, store), terminal_size=(120, 40), run_before=run_before)
    finally:
        store.close()
        server.close()
