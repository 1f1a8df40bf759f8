"""Read and bookmark writes the user makes: one now (before the key returns, so it survives a
crash a moment later), all of a list in a thread, and the undo of that."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui_reader.i18n import _, ngettext
from tui_reader.store import StoreError
from tui_reader.ui.messages import ArticlesChanged
from tui_reader.ui.services import Service

if TYPE_CHECKING:
    from tui_reader.models import ArticleQuery
    from tui_reader.ui.app import ReaderApp


class ArticleState(Service):
    """State writes, and the ids the last "mark all read" changed (for `u`)."""

    def __init__(self, app: ReaderApp) -> None:
        super().__init__(app)
        self.undo_read: list[int] = []

    def write(self, write: Callable[..., None], *args: object) -> bool:
        """Run a small state write now; a database problem becomes a one-line notification."""
        try:
            write(*args)
        except StoreError as error:
            self.app.notify(str(error), title=_("Not saved"), severity="error", markup=False)
            return False
        return True

    def mark_all_read(self, query: ArticleQuery) -> None:
        """Mark every article of `query` read (in a thread), undoable with `undo`."""
        self.in_thread(lambda: self._mark_all_read(query), group="mark", exclusive=True)

    def _mark_all_read(self, query: ArticleQuery) -> None:
        changed = self.undo_read = self.app.store.mark_all_read(query)
        message = ngettext(
            "Marked {n} article as read. Press u to undo.",
            "Marked {n} articles as read. Press u to undo.",
            len(changed),
        ).format(n=len(changed))
        self.app.call_from_thread(self.app.notify, message, markup=False)
        self.tell(ArticlesChanged())

    def undo(self) -> bool:
        """Mark unread again what the last "mark all read" changed; whether it did."""
        ids = self.undo_read
        if not ids:
            self.app.notify(_("Nothing to undo."), markup=False, timeout=2)
            return False
        if not self.write(self.app.store.set_read, ids, False):
            return False
        self.undo_read = []
        message = ngettext(
            "{n} article marked unread again.", "{n} articles marked unread again.", len(ids)
        ).format(n=len(ids))
        self.app.notify(message, markup=False, timeout=3)
        return True
