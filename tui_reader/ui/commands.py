"""Command-palette providers: every action, "go to feed …", "filter by tag …", "open bookmark …",
"go to view …", "save this search as a view", "remove feed …".

The provider lives on the main screen (`MainScreen.COMMANDS`) and acts on nothing itself: each
entry posts an intent (`ui/messages.py`) to the screen, which handles it with `@on`. What it
lists comes from the screen's `palette_data()` (the `PaletteSource` protocol): a snapshot of
counts and config, and a loader for the bookmarks that the provider runs in a thread.

Feed names, tags and titles are data: their display is built as `Content` with the match
highlighted by hand, because the palette's default highlighter parses markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.style import Style

from tui_reader.actions import ACTIONS, Action
from tui_reader.i18n import _, ngettext
from tui_reader.ui.messages import (
    Intent,
    OpenBookmark,
    RemoveFeed,
    RunAction,
    SaveSearchAsView,
    ShowFeed,
    ShowSavedView,
    ShowTag,
)

if TYPE_CHECKING:
    from tui_reader.models import Article, ViewConfig
    from tui_reader.store import FeedCount

MATCH_STYLE = Style(bold=True, underline=True)


@dataclass(frozen=True, slots=True)
class PaletteData:
    """What the palette lists, handed over by the screen it opens on (read-only)."""

    feeds: Sequence[FeedCount] = ()  # feeds with their unread counts (the sidebar's)
    tags: Mapping[str, int] = field(default_factory=dict)  # tag → items
    views: Sequence[tuple[ViewConfig, int]] = ()  # saved views and their item counts
    subscribed: Sequence[str] = ()  # names of the config's feeds (to remove one)
    bookmarks: Callable[[], Sequence[Article]] | None = None  # blocking: run in a thread
    keys: Mapping[str, str] = field(default_factory=dict)  # action id → its keys (`[keys]` in)


@runtime_checkable
class PaletteSource(Protocol):
    """A screen whose palette lists the reader's feeds, tags, views and bookmarks."""

    def palette_data(self) -> PaletteData:
        """A snapshot of what the palette may offer; cheap (no I/O)."""
        ...


def highlight(matcher: Matcher, text: str) -> tuple[float, Content]:
    """Score `text` against the query and underline the matched characters, as data."""
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    content = Content(text)
    for offset in offsets:
        content = content.stylize(MATCH_STYLE, offset, offset + 1)
    return score, content


class ReaderCommands(Provider):
    """Actions, feeds, tags, views and bookmarks of the screen it opens on; each entry posts
    an intent to that screen."""

    async def startup(self) -> None:
        self.bookmarks: list[tuple[str, Callable[[], object]]] = []
        self.data: PaletteData | None = None
        if isinstance(self.screen, PaletteSource):
            self.data = self.screen.palette_data()
        if self.data is None or self.data.bookmarks is None:
            return
        articles = await asyncio.to_thread(self.data.bookmarks)
        self.bookmarks = [
            (_("Open bookmark: {title}").format(title=a.title), self.post(OpenBookmark(a)))
            for a in articles
        ]

    def post(self, intent: Intent) -> Callable[[], object]:
        """A callback posting `intent` to the screen."""
        screen = self.screen
        return lambda: screen.post_message(intent)

    def commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        """(title, callback, help) for everything the palette offers."""
        for title, _english, callback, help_text in self.entries():
            yield title, callback, help_text

    def entries(self) -> Iterator[tuple[str, str, Callable[[], object], str]]:
        """(title, English title, callback, help): actions are also found by their English
        names when the interface is in another language."""
        if self.data is None:
            return
        for action in ACTIONS:
            if action.id == "command_palette":
                continue
            help_text = self.key_help(action)
            yield action.title, action.description, self.post(RunAction(action.id)), help_text
        for title, callback, help_text in self.other_commands(self.data):
            yield title, title, callback, help_text

    def other_commands(self, data: PaletteData) -> Iterator[tuple[str, Callable[[], object], str]]:
        """Feeds, tags, views and bookmarks."""
        for feed in data.feeds:
            yield (
                _("Go to feed: {name}").format(name=feed.name),
                self.post(ShowFeed(feed.name)),
                ngettext("{n} unread", "{n} unread", feed.unread).format(n=feed.unread),
            )
        for tag in sorted(data.tags):
            yield (
                _("Filter by tag: {tag}").format(tag=tag),
                self.post(ShowTag(tag)),
                ngettext("{n} item", "{n} items", data.tags[tag]).format(n=data.tags[tag]),
            )
        for view, count in data.views:
            yield (
                _("Go to view: {name}").format(name=view.name),
                self.post(ShowSavedView(view.name)),
                ngettext("{n} item · {query}", "{n} items · {query}", count).format(
                    n=count, query=view.query
                ),
            )
        yield (
            _("Save this search as a view"),
            self.post(SaveSearchAsView()),
            _("Adds a [[views]] entry to the config"),
        )
        for name in data.subscribed:
            yield (
                _("Remove feed: {name}").format(name=name),
                self.post(RemoveFeed(name)),
                _("Unsubscribe; bookmarks stay"),
            )
        for title, callback in self.bookmarks:
            yield title, callback, _("Bookmark")

    def key_help(self, action: Action) -> str:
        """The help line of an action: the keys it is bound to now (`[keys]` included)."""
        keys = self.data.keys.get(action.id, action.keys)
        shown = ", ".join(
            self.app.get_key_display(Binding(key.strip(), "")) for key in keys.split(",")
        )
        return _("Key: {keys}").format(keys=shown)

    async def discover(self) -> Hits:
        for title, callback, help_text in self.commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, english, callback, help_text in self.entries():
            score, display = highlight(matcher, title)
            if english != title:
                english_score, english_display = highlight(matcher, english)
                if english_score > score:
                    # Found by its English name: show both, the match underlined.
                    score = english_score
                    display = Content.assemble(Content(title), " · ", english_display)
            if score > 0:
                yield Hit(score, display, callback, text=title, help=help_text)
