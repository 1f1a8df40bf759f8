"""Full articles: `f` for one, and automatically after a refresh or a sync for the items that
came with a summary only."""

from __future__ import annotations

import asyncio

from tui_reader.i18n import _
from tui_reader.models import FeedConfig
from tui_reader.ui.messages import FullTextArrived
from tui_reader.ui.services import Service, import_off_loop
from tui_reader.ui.services.own_loop import run_on_own_loop


class FullTexts(Service):
    """Fetches full articles on the App's workers; each one stored is told to the screens."""

    def fetch(self, article_id: int) -> None:
        """`f`: fetch one article's full text now."""
        self.app.run_worker(self._fetch(article_id), group="fulltext", exit_on_error=False)

    async def _fetch(self, article_id: int) -> None:
        fetch_full_text = (await import_off_loop("tui_reader.fulltext")).fetch_full_text
        try:
            async with self.app.make_fetcher() as fetcher:
                result = await fetch_full_text(fetcher, self.app.store, article_id)
        finally:
            self.status("")
        if result.ok:
            self.app.notify(_("Full article fetched."), markup=False, timeout=2)
        else:
            self.app.notify(
                _("Full article failed: {error}; showing the feed's text.").format(
                    error=result.error
                ),
                markup=False,
                severity="warning",
            )
        self.tell(FullTextArrived(article_id))

    def fill(self) -> None:
        """After a refresh: full text for summary-only items, newest first, a few at a time."""
        self.app.run_worker(
            self._fill(None), group="auto-fulltext", exclusive=True, exit_on_error=False
        )

    def fill_accounts(self, accounts: list[str]) -> None:
        """Automatic full text for the sync accounts' summary-only items, like a feed's."""
        self.app.run_worker(
            self._fill_accounts(accounts),
            group="auto-fulltext-accounts",
            exclusive=True,
            exit_on_error=False,
        )

    async def _fill_accounts(self, accounts: list[str]) -> None:
        localstate = await import_off_loop("tui_reader.sync.localstate")
        urls: list[str] = []
        for name in accounts:
            urls += await asyncio.to_thread(localstate.feed_urls_of, self.app.store, name)
        if urls:
            await self._fill([FeedConfig(name=url, url=url) for url in urls])

    async def _fill(self, feeds: list[FeedConfig] | None) -> None:
        fill_full_texts = (await import_off_loop("tui_reader.fulltext")).fill_full_texts
        app = self.app

        async def fill() -> None:
            async with app.make_fetcher() as fetcher:
                await fill_full_texts(
                    app.config,
                    app.store,
                    fetcher,
                    on_result=lambda result: self.tell(FullTextArrived(result.article_id)),
                    feeds=feeds,
                )

        # The pages of a refresh's new items: fetched on a loop of their own, like the
        # refresh (own_loop.py); each stored one is posted to the screens (thread-safe).
        await run_on_own_loop(fill, name="full-texts")
