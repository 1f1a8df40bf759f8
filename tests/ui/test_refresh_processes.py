"""A refresh of many feeds inside the running reader parses them in worker processes.

While a Textual app runs, `sys.stderr` is its print capture (`fileno()` is -1), and starting
multiprocessing's resource tracker with it failed: the refresh then parsed every feed in a
thread of the app's own process, holding the GIL the event loop needs
(`tui_reader.ui.services.processes`).
"""

from __future__ import annotations

import concurrent.futures
from typing import Any

import pytest

from tests.conftest import wait_until
from tests.feeds import numbered_items, rss
from tests.ui.conftest import AppFactory, sample_config
from tests.ui.test_app import settle
from tui_reader.models import ArticleQuery, FeedConfig
from tui_reader.refresh import PROCESS_POOL_MIN_FEEDS
from tui_reader.store import Store


async def test_an_in_app_refresh_of_many_feeds_parses_in_processes_not_threads(
    make_app: AppFactory, store: Store, httpserver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = []
    for n in range(PROCESS_POOL_MIN_FEEDS):
        body = rss(f"Local {n}", numbered_items(3, f"Local{n}", day=29))
        httpserver.expect_request(f"/f{n}.xml").respond_with_data(
            body, content_type="application/rss+xml"
        )
        feeds.append(FeedConfig(name=f"Local {n}", url=httpserver.url_for(f"/f{n}.xml")))
    config = sample_config(timeout=10)
    config = config.__class__(settings=config.settings, feeds=tuple(feeds))
    store.sync_feeds(config.feeds)

    # Every thread pool made meanwhile, by its threads' name prefix.
    prefixes: list[str] = []
    real_init = concurrent.futures.ThreadPoolExecutor.__init__

    def recording_init(self: Any, *args: Any, **kwargs: Any) -> None:
        prefixes.append(kwargs.get("thread_name_prefix", ""))
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures.ThreadPoolExecutor, "__init__", recording_init)
    app = make_app(config=config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.refresher.refresh(list(config.feeds))
        await wait_until(pilot, lambda: app.refresher.refreshing)
        await wait_until(pilot, lambda: not app.refresher.refreshing, limit=60)
        await settle(pilot)
    for n in range(PROCESS_POOL_MIN_FEEDS):
        assert store.count(ArticleQuery(feed=f"Local {n}")) == 3
    assert "store-writer" in prefixes  # the refresh did run here
    assert "parse" not in prefixes  # the fallback to a parse thread was not taken
