"""The reader's intents: what the user asked for, as Textual messages.

The sidebar, the command palette and the help screen do not act on the main screen: they
post one of these, and `MainScreen` handles it with `@on(...)` (the way davep's tinboard and
hike route their commands). A widget that posts an intent passes itself as `origin`, so a
handler can tell where the wish came from (`event.control`) and `@on(Intent, "#sidebar")`
selectors work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from textual.widget import Widget

    from tui_reader.models import Article

View = Literal["all", "unread", "bookmarks"]

# Messages are dataclasses for their fields (Textual calls `__post_init__`), without the
# generated `__eq__` and `__repr__` no message needs (Textual's own repr stays): each
# generated method is source compiled at import, ~0.2 ms, and the launch pays for it.


@dataclass(eq=False, repr=False)
class Intent(Message):
    """Something the user wants the reader to do."""

    origin: Widget | None = field(default=None, kw_only=True)

    @property
    def control(self) -> Widget | None:
        """The widget the intent came from (None from the palette)."""
        return self.origin


@dataclass(eq=False, repr=False)
class ShowView(Intent):
    """Show All, Unread or Bookmarks (feed, tags and saved view cleared; search kept)."""

    view: View


@dataclass(eq=False, repr=False)
class ShowTag(Intent):
    """Show the items of one tag."""

    tag: str


@dataclass(eq=False, repr=False)
class ShowFeed(Intent):
    """Show one feed, by its name."""

    name: str


@dataclass(eq=False, repr=False)
class ShowSavedView(Intent):
    """Show a saved view (a `[[views]]` entry), by its name."""

    name: str


@dataclass(eq=False, repr=False)
class OpenBookmark(Intent):
    """Show the bookmarks with this article selected and open."""

    article: Article


@dataclass(eq=False, repr=False)
class RemoveFeed(Intent):
    """Ask, then unsubscribe from a feed (its bookmarks stay)."""

    name: str


@dataclass(eq=False, repr=False)
class SaveSearchAsView(Intent):
    """Save what the list shows as a `[[views]]` entry (asks a name)."""


@dataclass(eq=False, repr=False)
class RunAction(Intent):
    """Run one action of the table (`tui_reader.actions.ACTIONS`) by its id, wherever its
    row's `scope` says it lives."""

    action_id: str


# --- news from the app's services (ui/services/) to the screens that show it ---------------


@dataclass(eq=False, repr=False)
class StatusText(Message):
    """A service's progress line for the status bar ("" clears it)."""

    text: str


class ArticlesChanged(Message):
    """The store's articles changed (a refresh, a sync, a subscription): reload the list,
    keeping the selection, and recount the sidebar."""


@dataclass(eq=False, repr=False)
class FullTextArrived(Message):
    """An article's full text (or its failure) was stored: re-show it if it is open."""

    article_id: int


@dataclass(eq=False, repr=False)
class PicturesLoaded(Message):
    """An article's pictures are decoded and cached: draw it again if it is open."""

    article_id: int


@dataclass(eq=False, repr=False)
class AccountStates(Message):
    """Each sync account's status line (account name → line), after a sync or at start."""

    lines: dict[str, str]


@dataclass(eq=False, repr=False)
class FeedRemoved(Message):
    """A feed was unsubscribed: stop showing it if the list does."""

    name: str
