"""Snapshots of the reading pane: the demo's TikTok story with its picture, the link list.

These run the app as `tui-reader --demo` builds it: the bundled feeds only (no test fixture
in the sidebar), the demo's fetcher. `test_demo_tiktok_story_with_its_picture` is the
README's picture.
"""

from __future__ import annotations

from tests.conftest import wait_until
from tests.ui.conftest import FETCHED_AT, FIXED_NOW, select_title, settle, settle_all
from tests.ui.test_app import open_tiktok
from tests.ui.test_reading import BLACK_FRIDAY
from tui_reader.demo import DEMO_FEEDS, demo_feed_bytes, demo_feed_url
from tui_reader.demo.fetcher import DemoFetcher, demo_config
from tui_reader.parse import parse_feed
from tui_reader.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.reader_pane import ReaderPane


def demo_app(db_path, **settings: object) -> ReaderApp:
    """The app `tui-reader --demo` runs, on a store filled from the bundled feeds."""
    from dataclasses import replace

    config = demo_config()
    config = replace(config, settings=replace(config.settings, **settings))
    store = Store.open(db_path)
    store.sync_feeds(config.feeds)
    for _, filename, _ in DEMO_FEEDS:
        url = demo_feed_url(filename)
        parsed = parse_feed(demo_feed_bytes(filename), url=url, fetched_at=FETCHED_AT)
        store.upsert_entries(url, parsed.entries, now=FETCHED_AT)
    return ReaderApp(
        config,
        store,
        make_fetcher=DemoFetcher,
        demo=True,
        clock=lambda: FIXED_NOW,
        background_refresh=False,
    )


def test_demo_tiktok_story_with_its_picture(snap_compare, db_path) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await open_tiktok(pilot)
        await settle_all(pilot)
        # Scrolled as a reader would, to bring the whole picture and its caption into view.
        body = pilot.app.screen.query_one(ReaderPane).body
        top = next(i for i, strip in enumerate(body.lines) if "▀" in strip.text)
        body.scroll_to(y=top, animate=False, immediate=True)
        await wait_until(pilot, lambda: body.scroll_y == min(top, body.max_scroll_y))

    app = demo_app(db_path, images="halfcell")
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_link_list(snap_compare, db_path) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await select_title(pilot, BLACK_FRIDAY)
        await pilot.press("enter")
        await settle_all(pilot)
        await pilot.press("L")
        await settle(pilot)

    assert snap_compare(demo_app(db_path), terminal_size=(120, 40), run_before=run_before)


def test_demo_in_french(snap_compare, db_path) -> None:
    """The README's French picture: the demo as `LANG=fr_FR.UTF-8 tui-reader --demo` shows it."""
    from tui_reader.i18n import set_language

    async def run_before(pilot) -> None:
        await settle(pilot)
        await open_tiktok(pilot)
        await settle_all(pilot)

    set_language("fr")  # the autouse `english_interface` fixture puts English back
    assert snap_compare(demo_app(db_path), terminal_size=(120, 40), run_before=run_before)
