"""The reader's intents: what the user asked for, as Textual messages.

The sidebar, the command palette and the help screen do not act on the main screen: they
post one of these, and `MainScreen` handles it with `@on(...)` (the way davep's tinboard and
hike route their commands). A widget that posts an intent passes itself as `origin`, so a
handler can tell where the wish came from (`event.control`) and `@on(Intent, "#sidebar")`
selectors work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from textual.widget import Widget

    from tui_reader.models import Article

View = Literal["all", "unread", "bookmarks"]


class Intent(Message):
    """Something the user wants the reader to do."""

    def __init__(self, *, origin: Widget | None = None) -> None:
        super().__init__()
        self.origin = origin

    @property
    def control(self) -> Widget | None:
        """The widget the intent came from (None from the palette)."""
        return self.origin


class ShowView(Intent):
    """Show All, Unread or Bookmarks (feed, tags and saved view cleared; search kept)."""

    def __init__(self, view: View, *, origin: Widget | None = None) -> None:
        super().__init__(origin=origin)
        self.view: View = view


class ShowTag(Intent):
    """Show the items of one tag."""

    def __init__(self, tag: str, *, origin: Widget | None = None) -> None:
        super().__init__(origin=origin)
        self.tag = tag


class ShowFeed(Intent):
    """Show one feed, by its name."""

    def __init__(self, name: str, *, origin: Widget | None = None) -> None:
        super().__init__(origin=origin)
        self.name = name


class ShowSavedView(Intent):
    """Show a saved view (a `[[views]]` entry), by its name."""

    def __init__(self, name: str, *, origin: Widget | None = None) -> None:
        super().__init__(origin=origin)
        self.name = name


class OpenBookmark(Intent):
    """Show the bookmarks with this article selected and open."""

    def __init__(self, article: Article, *, origin: Widget | None = None) -> None:
        super().__init__(origin=origin)
        self.article = article


class RemoveFeed(Intent):
    """Ask, then unsubscribe from a feed (its bookmarks stay)."""

    def __init__(self, name: str, *, origin: Widget | None = None) -> None:
        super().__init__(origin=origin)
        self.name = name


class SaveSearchAsView(Intent):
    """Save what the list shows as a `[[views]]` entry (asks a name)."""


class RunAction(Intent):
    """Run one action of the table (`tui_reader.actions.ACTIONS`) by its id, wherever its
    row's `scope` says it lives."""

    def __init__(self, action_id: str, *, origin: Widget | None = None) -> None:
        super().__init__(origin=origin)
        self.action_id = action_id


# --- news from the app's services (ui/services/) to the screens that show it ---------------


class StatusText(Message):
    """A service's progress line for the status bar ("" clears it)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ArticlesChanged(Message):
    """The store's articles changed (a refresh, a sync, a subscription): reload the list,
    keeping the selection, and recount the sidebar."""


class FullTextArrived(Message):
    """An article's full text (or its failure) was stored: re-show it if it is open."""

    def __init__(self, article_id: int) -> None:
        super().__init__()
        self.article_id = article_id


class PicturesLoaded(Message):
    """An article's pictures are decoded and cached: draw it again if it is open."""

    def __init__(self, article_id: int) -> None:
        super().__init__()
        self.article_id = article_id


class AccountStates(Message):
    """Each sync account's status line (account name → line), after a sync or at start."""

    def __init__(self, lines: dict[str, str]) -> None:
        super().__init__()
        self.lines = lines


class FeedRemoved(Message):
    """A feed was unsubscribed: stop showing it if the list does."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
