"""The headline list reads pages it lacks in a worker thread, never on the UI thread.

A real SQLite store whose page reads beyond the first wait on a `threading.Event`, so a
test can hold a page "in flight" and look at the screen meanwhile.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import wait_until
from tests.ui.conftest import FIXED_NOW
from tui_reader.models import Article, ArticleQuery, Config, FeedConfig, ParsedEntry, Settings
from tui_reader.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.main import Filter, MainScreen
from tui_reader.ui.widgets.headline_list import PAGE_GROUP, PAGE_SIZE, HeadlineList

ARTICLES = 1000
FEED = FeedConfig(name="Vergers", url="http://127.0.0.1:9/vergers.xml")
START = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)


class GatedStore(Store):
    """A real store whose page reads of `gated` queries (beyond the first page) wait for
    `gate`, and which records where each read ran."""

    gate: threading.Event
    gated: ArticleQuery | None
    reads: list[tuple[int, bool]]  # (offset, on the main thread)
    returned: list[int]  # offsets whose gated read has returned

    def headline_page_at(
        self, query: ArticleQuery, offset: int, limit: int, *, total: int | None = None
    ) -> list[Article]:
        self.reads.append((offset, threading.current_thread() is threading.main_thread()))
        held = offset > 0 and query == self.gated
        if held:
            self.gate.wait(30)
        try:
            return super().headline_page_at(query, offset, limit, total=total)
        finally:
            if held:
                self.returned.append(offset)


@pytest.fixture
def gated_store(tmp_path: Path) -> GatedStore:
    store = GatedStore.open(tmp_path / "pages.db")
    store.gate, store.gated, store.reads, store.returned = threading.Event(), None, [], []
    store.sync_feeds((FEED,))
    entries = [
        ParsedEntry(
            guid=f"a{n}",
            # Every third article is about pears: a search gives another list, shifted.
            title=f"{'Poire' if n % 3 == 0 else 'Pomme'} numéro {n:04d}",
            link=f"https://vergers.example/{n}",
            author="",
            published=(START - timedelta(minutes=n)).isoformat(timespec="seconds"),
            summary="",
            body="",
        )
        for n in range(ARTICLES)
    ]
    store.upsert_entries(FEED.url, entries, now=FIXED_NOW.isoformat(timespec="seconds"))
    yield store
    store.gate.set()
    store.close()


def make_app(store: Store) -> ReaderApp:
    settings = Settings(refresh_interval=0, keep_days=0, full_articles="never")  # type: ignore[call-arg]
    config = Config(settings=settings, feeds=(FEED,))
    return ReaderApp(config, store, clock=lambda: FIXED_NOW)  # type: ignore[arg-type]


def line_text(headlines: HeadlineList, index: int) -> str:
    """The text drawn for row `index` (which must be on screen)."""
    return headlines.render_line(index - headlines.scroll_offset.y).text


async def ready(pilot) -> HeadlineList:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    headlines = app.screen.query_one(HeadlineList)
    await wait_until(pilot, lambda: headlines.total == ARTICLES)
    headlines.focus()
    return headlines


async def drain(pilot, headlines: HeadlineList) -> None:  # type: ignore[no-untyped-def]
    """Wait until page workers are done and the list has handled every message they sent
    (a callback queued behind them has run)."""
    app = pilot.app
    await wait_until(
        pilot, lambda: not any(w.group == PAGE_GROUP and w.is_running for w in app.workers)
    )
    done = threading.Event()
    headlines.call_later(done.set)
    await wait_until(pilot, done.is_set)


async def test_a_page_beyond_the_cache_is_read_by_a_worker_and_drawn(
    gated_store: GatedStore,
) -> None:
    gated_store.gated = ArticleQuery()
    app = make_app(gated_store)
    async with app.run_test(size=(100, 30)) as pilot:
        headlines = await ready(pilot)
        target = 2 * PAGE_SIZE + 50
        assert not headlines.is_loaded(target)
        headlines.cursor = target
        await wait_until(pilot, lambda: (2 * PAGE_SIZE, False) in gated_store.reads)
        await wait_until(pilot, lambda: "Loading…" in line_text(headlines, target))

        # Meanwhile: a placeholder row, the cursor on it, no article yet, one read in flight.
        assert "Loading…" in line_text(headlines, target)
        assert "Loading…" in line_text(headlines, target + 1)
        assert headlines.current is None
        await pilot.press("m")  # an action on a row not loaded yet does nothing, safely
        for _ in range(5):
            headlines.article_at(target + 3)
            line_text(headlines, target + 2)
        assert [offset for offset, _ in gated_store.reads].count(2 * PAGE_SIZE) == 1

        gated_store.gate.set()
        await wait_until(pilot, lambda: headlines.current is not None)
        current = headlines.current
        assert current is not None and current.title.endswith(f"numéro {target:04d}")
        assert not current.read
        await wait_until(pilot, lambda: f"numéro {target:04d}" in line_text(headlines, target))
        assert "Loading…" not in line_text(headlines, target + 1)
        # Every page read after the first frame ran in a worker thread.
        assert all(not on_main for offset, on_main in gated_store.reads if offset > 0)


async def test_a_load_that_lands_after_a_filter_change_is_dropped(
    gated_store: GatedStore,
) -> None:
    gated_store.gated = ArticleQuery()  # only the unfiltered list's far pages are held
    app = make_app(gated_store)
    async with app.run_test(size=(100, 30)) as pilot:
        headlines = await ready(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        target = 2 * PAGE_SIZE + 10
        headlines.cursor = target
        await wait_until(pilot, lambda: (2 * PAGE_SIZE, False) in gated_store.reads)

        # The list changes while that read is held: now only the apples.
        apples = Filter(search="pomme")
        total = gated_store.count(apples.query(FIXED_NOW))
        assert target < total < ARTICLES
        screen.set_filter(apples)
        await wait_until(pilot, lambda: headlines.total == total)
        headlines.cursor = target
        await wait_until(pilot, lambda: headlines.current is not None)
        apple = headlines.current
        assert apple is not None and apple.title.startswith("Pomme")

        # The old list's page now lands: it must not replace the apples.
        gated_store.gate.set()
        await wait_until(pilot, lambda: 2 * PAGE_SIZE in gated_store.returned)
        await drain(pilot, headlines)
        assert headlines.current == apple
        titles = [headlines.article_at(i) for i in range(2 * PAGE_SIZE, 3 * PAGE_SIZE)]
        assert all(a is not None and a.title.startswith("Pomme") for a in titles)
        assert f"{apple.title}" in line_text(headlines, target)


async def test_moving_stays_on_loaded_rows_thanks_to_the_next_page_read_ahead(
    gated_store: GatedStore,
) -> None:
    app = make_app(gated_store)  # nothing held
    async with app.run_test(size=(100, 30)) as pilot:
        headlines = await ready(pilot)
        headlines.cursor = PAGE_SIZE - 20  # near the end of the first page, none of the
        # second on screen: the second is asked for before the cursor gets there.
        assert headlines.scroll_offset.y + headlines.size.height <= PAGE_SIZE
        await wait_until(pilot, lambda: headlines.is_loaded(PAGE_SIZE))
        await pilot.press(*["j"] * 25)
        assert headlines.cursor == PAGE_SIZE + 5
        current = headlines.current
        assert current is not None and current.title.endswith(f"numéro {PAGE_SIZE + 5:04d}")


async def test_drawn_rows_are_reused_but_follow_focus_and_read_state(
    gated_store: GatedStore,
) -> None:
    """Rows are drawn once and kept (a scroll redraws every row), yet a row shows a new read
    state and the cursor's focused or blurred colours at once."""
    app = make_app(gated_store)
    async with app.run_test(size=(100, 30)) as pilot:
        headlines = await ready(pilot)
        await pilot.pause()
        cursor_row = headlines.render_line(0)
        assert cursor_row.text.lstrip().startswith("●")
        assert headlines.render_line(0) is cursor_row  # drawn once, then reused
        focused_style = list(cursor_row)[-1].style  # the title cell

        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.query_one("#sidebar").focus()
        await wait_until(pilot, lambda: not headlines.has_focus)
        await pilot.pause()
        assert list(headlines.render_line(0))[-1].style != focused_style

        headlines.focus()
        await wait_until(pilot, lambda: headlines.has_focus)
        await pilot.press("m")
        await wait_until(pilot, lambda: not headlines.render_line(0).text.lstrip().startswith("●"))


async def test_the_startup_heap_is_frozen_while_the_app_runs_and_thawed_after(
    gated_store: GatedStore,
) -> None:
    """What the reader built at start stays out of the garbage collector's full walks (a
    full collection over it stalled the loop ~100 ms): frozen after the first frame, given
    back when the app ends (`tui_reader.ui.heap`)."""
    import gc

    gc.unfreeze()
    app = make_app(gated_store)
    async with app.run_test(size=(100, 30)) as pilot:
        headlines = await ready(pilot)
        await wait_until(pilot, lambda: gc.get_freeze_count() > 0)
        assert headlines.article_at(0) is not None
        assert gc.get_freeze_count() > 1_000
    assert gc.get_freeze_count() == 0


async def test_the_collector_paused_by_the_script_resumes_after_the_first_frame(
    gated_store: GatedStore,
) -> None:
    """The script pauses the garbage collector for the start (`tui_reader.collector`): the
    reader's first frame gives it back, the heap built so far frozen first."""
    import gc

    from tui_reader import collector

    gc.unfreeze()
    collector.pause()
    try:
        assert not gc.isenabled()
        app = make_app(gated_store)
        async with app.run_test(size=(100, 30)) as pilot:
            headlines = await ready(pilot)
            await wait_until(pilot, lambda: gc.isenabled())
            assert not collector.paused()
            assert gc.get_freeze_count() > 1_000  # frozen before the collector came back
            assert headlines.article_at(0) is not None
    finally:
        collector.resume()
        gc.enable()
        gc.unfreeze()
