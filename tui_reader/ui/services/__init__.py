"""Jobs that outlive a screen, owned by the App: refreshing and syncing, full texts, pictures,
opening links, changing the subscriptions.

A service runs its workers on the App (so `app.workers` sees them and a screen closing does
not cut a refresh short) and talks to the screens with messages (`ui/messages.py`), never by
reaching into their widgets.
"""

from __future__ import annotations

import asyncio
import importlib
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.message import Message

    from tui_reader.ui.app import ReaderApp


class Service:
    """A job of the App's: it reaches the App, and tells the reader screens what happened."""

    def __init__(self, app: ReaderApp) -> None:
        self.app = app

    def tell(self, message: Message) -> None:
        """Post `message` to the screens that show the articles (thread-safe)."""
        self.app.tell_readers(message)

    def in_thread(self, work: Callable[[], object], *, group: str, exclusive: bool = False) -> None:
        """Run `work` in a thread worker of the App's (a failure goes to the App's handler)."""
        self.app.run_worker(
            work, group=group, exclusive=exclusive, thread=True, exit_on_error=False
        )

    def status(self, text: str) -> None:
        """Put `text` on the status line ("" clears it)."""
        from tui_reader.ui.messages import StatusText

        self.tell(StatusText(text))


async def import_off_loop(name: str) -> ModuleType:
    """Import a core module in a thread: the parser's imports (feedparser, lxml, trafilatura)
    take tens of milliseconds the first time, which the event loop must not wait for."""
    return await asyncio.to_thread(importlib.import_module, name)
