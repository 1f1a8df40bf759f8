"""The Textual app: built from a Config and a Store, exactly as the CLI and the tests build it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager, suppress
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from tui_reader.errors import describe
from tui_reader.i18n import _
from tui_reader.models import Config
from tui_reader.store import Store, StoreError
from tui_reader.ui import heap
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.services.fulltext import FullTexts
from tui_reader.ui.services.links import Links
from tui_reader.ui.services.pictures import Pictures
from tui_reader.ui.services.refresher import Refresher
from tui_reader.ui.services.state import ArticleState
from tui_reader.ui.services.subscriptions import Subscriptions
from tui_reader.ui.system_commands import PALETTE_PLACEHOLDER, translated_system_commands

if TYPE_CHECKING:
    from tui_reader.refresh import FeedFetcher

FetcherFactory = Callable[[], "AbstractAsyncContextManager[FeedFetcher]"]


def default_fetcher_factory(config: Config) -> FetcherFactory:
    """Fetchers that honour the config's limits."""

    def make() -> AbstractAsyncContextManager[FeedFetcher]:
        from tui_reader.fetch import Fetcher

        return Fetcher.from_settings(config.settings)

    return make


class ReaderApp(App[int]):
    """tui-reader's reader."""

    CSS_PATH = "reader.tcss"
    TITLE = "tui-reader"
    ENABLE_COMMAND_PALETTE = True
    #: Seconds after the launch before the articles waiting for the search index are indexed.
    index_delay = 2.0

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
        # The jobs that outlive a screen (ui/services/): their workers run on the App.
        self.refresher = Refresher(self)
        self.full_texts = FullTexts(self)
        self.pictures = Pictures(self)
        self.links = Links(self)
        self.subscriptions = Subscriptions(self)
        self.state = ArticleState(self)

    def now(self) -> datetime:
        """The current time (fixed in tests so filters like `@7d` are stable)."""
        return self.clock() if self.clock is not None else datetime.now(UTC)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's system commands, in the user's language."""
        return translated_system_commands(super().get_system_commands(screen))

    def action_command_palette(self) -> None:
        """The palette, its prompt in the user's language."""
        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(
                CommandPalette(placeholder=_(PALETTE_PLACEHOLDER), id="--command-palette")
            )

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def on_mount(self) -> None:
        from tui_reader.schedule import feed_interval

        # What exists after the first frame lives as long as the app: out of the collector's
        # walks, so that a full collection does not stall the loop (ui/heap.py).
        self.call_after_refresh(heap.freeze_startup_heap)

        # Each feed is refreshed when its own interval (or the global one) has elapsed: a
        # look every minute, and one at start for the feeds already due.
        intervals = [feed_interval(self.config, feed) for feed in self.config.feeds]
        if self.background_refresh and any(interval > 0 for interval in intervals):
            self.set_interval(60, self.refresh_due_feeds)
            self.call_after_refresh(self.refresh_due_feeds)
        # Accounts sync in the background at start, then every `refresh_interval` (0: manual).
        interval = self.config.settings.refresh_interval
        if self.background_refresh and self.config.accounts and interval > 0:
            self.set_interval(interval * 60, self.sync_accounts)
            self.call_after_refresh(self.sync_accounts)

        # What the last refresh stored waits for the search index: indexed once the launch
        # is over, so that the first search does not wait for it.
        self.set_timer(self.index_delay, self.index_in_background)

    def on_unmount(self) -> None:
        heap.release()

    def index_in_background(self) -> None:
        """Index the articles a refresh stored (in a thread; see `store.index`)."""
        self.run_worker(self._index_pending, group="index", thread=True, exit_on_error=False)

    def _index_pending(self) -> None:
        worker = get_current_worker()

        def between() -> bool:
            # Short batches and a pause between them: a state write of the reader's (mark
            # read, bookmark), made on the loop, never waits long for the write lock.
            time.sleep(0.02)
            return not worker.is_cancelled

        # Busy or read-only: the next search indexes what still waits.
        with suppress(StoreError):
            self.store.index_pending(batch=100, between=between)

    def refresh_due_feeds(self) -> None:
        """Start a background refresh of the feeds that are due (from the timer or at start)."""
        if not self.refresher.refreshing:
            self.refresher.refresh_due()

    def sync_accounts(self) -> None:
        """Start a background sync of every account (from the timer or at start)."""
        if not self.refresher.refreshing:
            self.refresher.refresh([], sync=True)

    def tell_readers(self, message: Message) -> None:
        """Post a service's news to every reader screen (from any thread)."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.post_message(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where a failed worker becomes a one-line notification."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            self.notify(describe(error), title=_("Error"), severity="error", markup=False)

    def refresh_all_feeds(self) -> None:
        """Start a background refresh of every feed (from the timer or at start)."""
        if not self.refresher.refreshing:
            self.refresher.refresh(list(self.config.feeds), sync=True)
