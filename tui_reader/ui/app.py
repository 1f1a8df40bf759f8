"""The Textual app: built from a Config and a Store, exactly as the CLI and the tests build it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual.app import App
from textual.worker import Worker, WorkerState

from tui_reader.models import Config
from tui_reader.store import Store
from tui_reader.ui.commands import ReaderCommands
from tui_reader.ui.screens.main import MainScreen

if TYPE_CHECKING:
    from tui_reader.refresh import FeedFetcher

FetcherFactory = Callable[[], "AbstractAsyncContextManager[FeedFetcher]"]


def default_fetcher_factory(config: Config) -> FetcherFactory:
    """Fetchers that honour the config's limits."""

    def make() -> AbstractAsyncContextManager[FeedFetcher]:
        from tui_reader.fetch import Fetcher

        settings = config.settings
        return Fetcher(
            concurrency=settings.concurrency,
            per_host=settings.per_host_connections,
            timeout=settings.timeout,
            max_bytes=settings.max_feed_bytes,
        )

    return make


class ReaderApp(App[int]):
    """tui-reader's reader."""

    CSS_PATH = "reader.tcss"
    TITLE = "tui-reader"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        make_fetcher: FetcherFactory | None = None,
        demo: bool = False,
        clock: Callable[[], datetime] | None = None,
        background_refresh: bool = True,
    ) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.make_fetcher = make_fetcher or default_fetcher_factory(config)
        self.demo = demo
        self.clock = clock
        self.background_refresh = background_refresh
        self.theme = config.settings.theme
        if config.keys:
            self.set_keymap(dict(config.keys))

    def now(self) -> datetime:
        """The current time (fixed in tests so filters like `@7d` are stable)."""
        return self.clock() if self.clock is not None else datetime.now(UTC)

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def on_mount(self) -> None:
        interval = self.config.settings.refresh_interval
        if self.background_refresh and interval > 0:
            self.set_interval(interval * 60, self.refresh_all_feeds)
            last = self.store.last_refresh()
            if last is None or (self.now() - last).total_seconds() > interval * 60:
                self.call_after_refresh(self.refresh_all_feeds)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where a failed worker becomes a one-line notification."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            message = " ".join(f"{type(error).__name__}: {error}".split())
            self.notify(message[:300], title="Error", severity="error", markup=False)

    def refresh_all_feeds(self) -> None:
        """Start a background refresh of every feed (from the timer or at start)."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen) and not screen.refreshing:
                screen.action_refresh_all()
                return
