"""Shared fixtures and helpers for every test file.

- `env`: config and data paths isolated under a temp dir (what the CLI tests run in).
- `db_path`: where a test's SQLite file lives (under tmp_path).
- `threaded_server` / `server`: one threaded local HTTP server (127.0.0.1) per module, cleared
  between tests, for feeds and pages that must be served concurrently.
- `wait_until(pilot, condition)`: wait for a condition in a Pilot test instead of a fixed pause.
- `record_error(store, url, error, when)`: a failed fetch of a feed, as the refresh records it.
- `tmux`: a tmux server of the test's own for the end-to-end tests (`tests/tmux.py`).

The UI's store and app factory live in `tests/ui/conftest.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.tmux import Tmux
from tui_reader.i18n import LOCALE_DIR, set_language
from tui_reader.store import Store


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Isolate config and data paths under tmp_path."""
    monkeypatch.setenv("TUI_READER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TUI_READER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return tmp_path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "tui-reader.db"


@pytest.fixture(scope="module")
def threaded_server() -> Iterator[HTTPServer]:
    """One threaded local server for the module (stopping one takes half a second)."""
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    if srv.is_running():
        srv.stop()


@pytest.fixture
def server(threaded_server: HTTPServer) -> Iterator[HTTPServer]:
    """The threaded server, cleared for each test: a slow page must not hold up the others."""
    threaded_server.clear()
    yield threaded_server
    threaded_server.clear()


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A tmux server of this test's own, killed afterwards (with the app, if it still runs)."""
    server = Tmux()
    yield server
    server.kill()


def record_error(store: Store, url: str, error: str, when: str) -> None:
    """Record a failed fetch of `url` (no validators, no body) the way a refresh does."""
    store.record_fetch(
        url, status="error", etag=None, last_modified=None, body_hash=None, error=error, when=when
    )


# A loaded 2-core machine may be slow, but a condition that never comes must still fail.
WAIT_LIMIT = 10.0


async def wait_until(
    pilot: Any, condition: Callable[[], object], limit: float = WAIT_LIMIT
) -> None:
    """Let the app process messages until `condition()` holds; fail after `limit` seconds."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition never held within {limit} s: {condition}")
        await pilot.pause(0.01)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """The .mo files, as the build hook writes them (recompiled when a .po is newer)."""
    from hatch_build import compile_catalogues

    compile_catalogues(Path(LOCALE_DIR), only_stale=True)


@pytest.fixture(autouse=True)
def english_interface(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read English unless they ask for French, whatever the machine's locale."""
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")
