"""Refreshing feeds and syncing accounts: `R`, `r`, the timer for due feeds, and what runs
after (hooks, notifications, automatic full texts). One refresh or sync at a time."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from tui_reader.i18n import _, ngettext
from tui_reader.models import FeedConfig, FeedResult
from tui_reader.ui import heap
from tui_reader.ui.messages import AccountStates, ArticlesChanged
from tui_reader.ui.services import Service, import_off_loop
from tui_reader.ui.services.http_warmup import import_http_stack
from tui_reader.ui.services.own_loop import run_on_own_loop
from tui_reader.ui.services.processes import start_resource_tracker
from tui_reader.ui.texts import refresh_message

if TYPE_CHECKING:
    from tui_reader.refresh import RefreshSummary
    from tui_reader.ui.app import ReaderApp

PROGRESS_EVERY_S = 0.2
"""How often, at most, a refresh's progress reaches the status line."""


class Refresher(Service):
    """Runs refreshes and syncs on the App's workers (group "refresh")."""

    def __init__(self, app: ReaderApp) -> None:
        super().__init__(app)
        self.refreshing = False  # a refresh or a sync is running
        self.account_lines: dict[str, str] = {}  # sync account → its status line

    def refresh(self, feeds: list[FeedConfig], sync: bool = False) -> None:
        """Refresh `feeds`, then sync the accounts if `sync` (and there are some)."""
        self.app.run_worker(self._refresh(feeds, sync), group="refresh", exit_on_error=False)

    def sync_one(self, account: str) -> None:
        """Sync one account (`r` on one of its feeds)."""
        self.app.run_worker(self._sync_one(account), group="refresh", exit_on_error=False)

    async def _sync_one(self, account: str) -> None:
        if self.refreshing:
            self.app.notify("A refresh is already running.", markup=False, timeout=3)
            return
        await self.sync(only=account)

    async def _refresh(self, feeds: list[FeedConfig], sync: bool) -> None:
        app = self.app
        if self.refreshing:
            app.notify(_("A refresh is already running."), markup=False, timeout=3)
            return
        sync = sync and bool(app.config.accounts)
        if not feeds and not sync:
            return
        if not feeds:
            await self.sync()
            return
        self.refreshing = True
        new_items = 0
        shown = 0.0  # when the refresh's loop last sent the progress (time.monotonic)

        def progress(done: int, total: int, new: int) -> None:
            self.status(
                ngettext(
                    "Refreshing {done}/{total} feeds · {new} new",
                    "Refreshing {done}/{total} feeds · {new} new",
                    total,
                ).format(done=done, total=total, new=new)
            )

        self.status(
            ngettext(
                "Refreshing {done}/{total} feeds", "Refreshing {done}/{total} feeds", len(feeds)
            ).format(done=0, total=len(feeds))
        )
        refresh = await import_off_loop("tui_reader.refresh")
        refresh_all = refresh.refresh_all
        if len(feeds) >= refresh.PROCESS_POOL_MIN_FEEDS:  # parsed in processes: see processes.py
            await asyncio.to_thread(start_resource_tracker)
        await import_http_stack()
        heap.freeze_new_imports()  # what full collections during the refresh no longer walk
        loop = asyncio.get_running_loop()

        def progress_soon(result: FeedResult, done: int, total: int) -> None:
            # On the refresh's loop: a few updates a second at most (each one wakes this
            # loop and repaints), and the last one always.
            nonlocal new_items, shown
            new_items += result.new_items
            now = time.monotonic()
            if done == total or now - shown >= PROGRESS_EVERY_S:
                shown = now
                with contextlib.suppress(RuntimeError):  # the app's loop is gone: no one to tell
                    loop.call_soon_threadsafe(progress, done, total, new_items)

        async def fetch_parse_store() -> RefreshSummary:
            async with app.make_fetcher() as fetcher:
                return await refresh_all(
                    app.config, app.store, fetcher, feeds=feeds, on_result=progress_soon
                )

        try:
            # On a loop of its own (own_loop.py): httpx's CPU time no longer runs between
            # this loop's key presses.
            summary = await run_on_own_loop(fetch_parse_store, name="refresh")
        finally:
            self.refreshing = False
            self.status("")
        self.tell(ArticlesChanged())
        self.after_refresh()
        if summary.new_items and not app.demo:
            app.full_texts.fill()
        app.notify(
            refresh_message(summary.results),
            markup=False,
            severity="warning" if summary.errors else "information",
        )
        if sync:
            await self.sync()

    async def sync(self, only: str | None = None) -> None:
        """Push, then pull every account, or the one named `only` (in the refresh worker;
        never blocks the loop)."""
        app = self.app
        if self.refreshing:
            return
        self.refreshing = True
        count = 1 if only else len(app.config.accounts)
        self.status(
            ngettext("Syncing {n} account…", "Syncing {n} accounts…", count).format(n=count)
        )
        engine = await import_off_loop("tui_reader.sync.engine")
        try:
            # Its HTTP on a loop of its own too (own_loop.py), like a refresh's.
            summary = await run_on_own_loop(
                lambda: engine.sync_all(app.config, app.store, only=only), name="sync"
            )
        finally:
            self.refreshing = False
        self.tell(ArticlesChanged())
        self.after_refresh()  # hooks and notifications see the synced items too
        await self.show_account_states()
        for result in summary.accounts:
            if result.status == "error":
                app.notify(
                    _("{name}: sync failed: {error}").format(name=result.name, error=result.error),
                    markup=False,
                    severity="warning",
                )
        if any(result.new_items for result in summary.accounts) and not app.demo:
            app.full_texts.fill_accounts([r.name for r in summary.accounts if r.status == "ok"])

    async def show_account_states(self) -> None:
        """Read every account's sync state (off the loop) and tell the status lines."""
        localstate = await import_off_loop("tui_reader.sync.localstate")
        status = await import_off_loop("tui_reader.sync.status")
        states = await asyncio.to_thread(localstate.all_account_states, self.app.store)
        now = self.app.now()
        self.account_lines = {
            account.name: status.account_status_line(account.name, states.get(account.name), now)
            for account in self.app.config.accounts
        }
        self.tell(AccountStates(self.account_lines))

    def refresh_due(self) -> None:
        """Refresh the feeds whose interval has elapsed (the reader's timer)."""
        self.in_thread(self._refresh_due, group="due", exclusive=True)

    def _refresh_due(self) -> None:
        from datetime import UTC, datetime

        from tui_reader.schedule import due_feeds

        config = self.app.config
        due, _waiting = due_feeds(
            config, config.feeds, self.app.store.feed_states(), datetime.now(UTC)
        )
        if due and not get_current_worker().is_cancelled and not self.refreshing:
            self.app.call_from_thread(self.refresh, due)

    def after_refresh(self) -> None:
        """Hooks and view notifications for what a refresh or a sync stored (in a thread;
        each new item is claimed once in the database, so two runs never feed it twice)."""
        self.in_thread(self._after_refresh, group="hooks")
        self.app.index_in_background()

    def _after_refresh(self) -> None:
        from tui_reader.hooks import after_refresh
        from tui_reader.notify import send_notification

        app = self.app
        if not app.config.hooks and not any(v.notify for v in app.config.views):
            after_refresh(app.config, app.store)  # only moves the mark forward
            return
        headless = app.is_headless

        def notify(title: str, body: str) -> None:
            app.call_from_thread(app.notify, body, title=title, markup=False)
            if not headless:
                send_notification(title, body, write=_write_to_terminal)

        report = after_refresh(app.config, app.store, notify=notify)
        for problem in report.problems:
            app.call_from_thread(app.notify, problem, severity="warning", markup=False)


def _write_to_terminal(sequence: str) -> None:
    """Write an OSC notification to the controlling terminal (not through Textual's output,
    which would show it as text); a missing terminal is not an error."""
    with contextlib.suppress(OSError), open("/dev/tty", "w", encoding="utf-8") as tty:
        tty.write(sequence)
        tty.flush()
