"""Connections per site: `per_host_connections` over HTTP/1.1, one widened limit for HTTP/2."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tui_reader.config import load_config
from tui_reader.fetch import Fetcher, _OriginSlots


@pytest.fixture
def threaded() -> Iterator[HTTPServer]:
    """A server answering requests in parallel: it must not be the limit itself."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


def test_per_host_connections_setting(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[settings]\nper_host_connections = 2\n", encoding="utf-8")
    assert load_config(path).settings.per_host_connections == 2
    for bad in ("0", "17", '"4"'):
        path.write_text(f"[settings]\nper_host_connections = {bad}\n", encoding="utf-8")
        with pytest.raises(Exception, match="per_host_connections"):
            load_config(path)


@pytest.mark.parametrize("per_host", [1, 3])
async def test_one_site_gets_at_most_per_host_fetches_at_once(
    threaded: HTTPServer, per_host: int
) -> None:
    lock = threading.Lock()
    active = peak = 0

    def handler(request: Request) -> Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.15)
        with lock:
            active -= 1
        return Response("<rss/>", content_type="application/rss+xml")

    threaded.expect_request("/f").respond_with_handler(handler)
    async with Fetcher(concurrency=16, per_host=per_host, timeout=10) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(threaded.url_for("/f")) for _ in range(8)))
    assert all(result.status == "ok" for result in results)
    assert peak == per_host


async def test_widening_wakes_fetches_already_waiting() -> None:
    """An origin found to speak HTTP/2 lets its queued fetches go at once."""
    slots = _OriginSlots(1)
    started: list[int] = []
    release = asyncio.Event()

    async def fetch(n: int) -> None:
        async with slots:
            started.append(n)
            await release.wait()

    tasks = [asyncio.create_task(fetch(n)) for n in range(5)]
    while len(started) < 1:
        await asyncio.sleep(0)
    for _ in range(10):
        await asyncio.sleep(0)
    assert started == [0] and slots.active == 1  # the others queue behind the limit of 1
    slots.widen(8)
    while len(started) < 5:
        await asyncio.sleep(0)
    assert slots.active == 5
    release.set()
    await asyncio.gather(*tasks)
    assert slots.active == 0
    slots.widen(2)  # narrowing never happens
    assert slots.limit == 8
