"""A refresh on an event loop of its own (`ui/services/own_loop.py`, issue 11): the job's
result, its errors and its cancellation cross to the caller's loop; in the reader, the
fetches run outside the app's loop and thread, and quitting during a refresh ends it."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from typing import Any

import pytest

from tests.conftest import wait_until
from tests.ui.conftest import AppFactory, MixedFetcher, main_screen, sample_config, settle, started
from tui_reader.models import ArticleQuery, FeedConfig
from tui_reader.store import Store
from tui_reader.ui.services.own_loop import run_on_own_loop
from tui_reader.ui.widgets.headline_list import HeadlineList


async def test_the_job_runs_on_another_loop_in_another_thread() -> None:
    async def job() -> tuple[asyncio.AbstractEventLoop, str]:
        await asyncio.sleep(0)
        return asyncio.get_running_loop(), threading.current_thread().name

    loop, thread = await run_on_own_loop(job, name="a-job")
    assert loop is not asyncio.get_running_loop()
    assert loop.is_closed()  # the job's loop is closed once the job is done
    assert thread == "a-job"


async def test_the_switch_interval_is_short_while_a_job_runs() -> None:
    """The GIL changes hands every millisecond while the job runs (the caller's loop waits
    that long for it, not 5 ms), and the interval is the caller's again after."""
    before = sys.getswitchinterval()

    async def job() -> float:
        await asyncio.sleep(0)
        return sys.getswitchinterval()

    assert await run_on_own_loop(job) == pytest.approx(0.001)
    assert sys.getswitchinterval() == before


async def test_the_jobs_error_reaches_the_caller() -> None:
    async def job() -> None:
        await asyncio.sleep(0)
        raise ValueError("the feed is broken")

    with pytest.raises(ValueError, match="the feed is broken"):
        await run_on_own_loop(job)


async def test_cancelling_the_caller_cancels_the_job_and_waits_for_its_finally() -> None:
    started = threading.Event()
    wound_down: list[str] = []

    async def job() -> None:
        started.set()
        try:
            await asyncio.Event().wait()  # never set: only a cancellation ends it
        finally:
            await asyncio.sleep(0.01)  # its finally may still await on its own loop
            wound_down.append(threading.current_thread().name)

    caller = asyncio.create_task(run_on_own_loop(job, name="cancelled-job"))
    assert await asyncio.to_thread(started.wait, 5)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert wound_down == ["cancelled-job"]


async def test_a_refresh_fetches_off_the_apps_loop(make_app: AppFactory, store: Store) -> None:
    """`R`: every fetch runs in the refresh's thread, on a loop that is not the app's; the
    new items, the progress and the end of the refresh still reach the screen."""
    seen: list[tuple[str, asyncio.AbstractEventLoop]] = []

    class Recording(MixedFetcher):
        async def fetch(self, url: str, **kwargs: object) -> Any:
            seen.append((threading.current_thread().name, asyncio.get_running_loop()))
            return await super().fetch(url, **kwargs)

    store_before = store.count(ArticleQuery())
    app = make_app(make_fetcher=Recording)
    async with started(app) as pilot:
        statuses: list[tuple[str, str]] = []
        original = app.refresher.status

        def spy(text: str) -> None:  # the progress, as the status line is told it
            statuses.append((text, threading.current_thread().name))
            original(text)

        app.refresher.status = spy  # type: ignore[method-assign]
        await pilot.press("R")
        await wait_until(pilot, lambda: statuses and not app.refresher.refreshing)
        await settle(pilot)
        assert len(seen) == len(app.config.feeds)
        assert {name for name, _ in seen} == {"refresh"}
        assert all(loop is not asyncio.get_running_loop() for _, loop in seen)
        total = len(app.config.feeds)
        assert any(text.startswith(f"Refreshing {total}/{total} feeds") for text, _ in statuses)
        assert statuses[-1][0] == ""  # cleared at the end
        assert {thread for _, thread in statuses} == {threading.main_thread().name}
        screen = main_screen(app)
        assert store.count(ArticleQuery()) >= store_before
        assert screen.query_one(HeadlineList).total == store.count(ArticleQuery())


async def test_quitting_during_a_refresh_ends_the_refresh(
    make_app: AppFactory, store: Store, httpserver
) -> None:
    """`q` while a feed holds the refresh: the app ends, and so does the refresh's thread
    (its fetch cancelled, not waited for), with nothing stored for the held feed."""
    release = threading.Event()

    def held_feed(request):  # type: ignore[no-untyped-def]
        from werkzeug import Response

        release.wait(10)
        return Response("<rss/>", content_type="application/rss+xml")

    httpserver.expect_request("/held.xml").respond_with_handler(held_feed)
    held = FeedConfig(name="Held", url=httpserver.url_for("/held.xml"), tags=())
    config = sample_config(extra=(held,), timeout=10)
    store.sync_feeds(config.feeds)
    app = make_app(config=config, make_fetcher=MixedFetcher)
    try:
        async with started(app) as pilot:
            await pilot.press("R")
            await wait_until(pilot, lambda: app.refresher.refreshing)
            await wait_until(pilot, lambda: _refresh_threads())
            await pilot.press("q")
        deadline = time.monotonic() + 5
        while _refresh_threads() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert not _refresh_threads()
        assert not release.is_set()  # ended by the cancellation, not by the server
        assert store.feed_states().get(held.url) is None or (
            store.feed_states()[held.url].last_status != "ok"
        )
    finally:
        release.set()


def _refresh_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "refresh" and t.is_alive()]
