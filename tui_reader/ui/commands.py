"""Command-palette providers: every action, "go to feed …", "filter by tag …", "open bookmark …".

Feed names, tags and titles are data: their display is built as `Content` with the match
highlighted by hand, because the palette's default highlighter parses markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.style import Style

from tui_reader.actions import ACTIONS, Action
from tui_reader.i18n import _, ngettext
from tui_reader.models import ArticleQuery

if TYPE_CHECKING:
    from tui_reader.ui.screens.main import MainScreen

MATCH_STYLE = Style(bold=True, underline=True)


def highlight(matcher: Matcher, text: str) -> tuple[float, Content]:
    """Score `text` against the query and underline the matched characters, as data."""
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    content = Content(text)
    for offset in offsets:
        content = content.stylize(MATCH_STYLE, offset, offset + 1)
    return score, content


class ReaderCommands(Provider):
    """Actions, feeds, tags and bookmarks of the main screen."""

    def _main(self) -> MainScreen | None:
        from tui_reader.ui.screens.main import MainScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    async def startup(self) -> None:
        self.bookmarks: list[tuple[str, Callable[[], object]]] = []
        main = self._main()
        if main is None:
            return
        store = main.app.store
        articles = await asyncio.to_thread(
            store.headlines, ArticleQuery(bookmarked=True), limit=200
        )
        self.bookmarks = [
            (f"Open bookmark: {a.title}", lambda a=a: main.open_bookmark(a)) for a in articles
        ]

    def commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        """(title, callback, help) for everything the palette offers."""
        main = self._main()
        if main is None:
            return
        for action in ACTIONS:
            if action.id == "command_palette":
                continue
            yield _(action.description), partial_action(main, action.id), self.key_help(action)
        if main.totals is not None:
            for feed in main.totals.feeds:
                yield (
                    f"Go to feed: {feed.name}",
                    lambda name=feed.name: main.set_filter(
                        replace(main.filter, feed=name, view="all")
                    ),
                    _("{n} unread").format(n=feed.unread),
                )
            for tag in sorted(main.totals.tags):
                yield (
                    f"Filter by tag: {tag}",
                    lambda tag=tag: main.set_filter(replace(main.filter, tags=(tag,), feed=None)),
                    ngettext("{n} item", "{n} items", main.totals.tags[tag]).format(
                        n=main.totals.tags[tag]
                    ),
                )
        for title, callback in self.bookmarks:
            yield title, callback, "Bookmark"

    def key_help(self, action: Action) -> str:
        """The help line of an action: the keys it is bound to now (`[keys]` included)."""
        keys = self.app.config.keys.get(action.id, action.keys)  # type: ignore[attr-defined]
        shown = ", ".join(
            self.app.get_key_display(Binding(key.strip(), "")) for key in keys.split(",")
        )
        return _("Key: {keys}").format(keys=shown)

    async def discover(self) -> Hits:
        for title, callback, help_text in self.commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self.commands():
            score, display = highlight(matcher, title)
            if score > 0:
                yield Hit(score, display, callback, text=title, help=help_text)


def partial_action(main: MainScreen, action_id: str) -> Callable[[], object]:
    """A callback running a screen or app action by its id."""
    from tui_reader.ui.bindings import APP_ACTIONS

    target = APP_ACTIONS.get(action_id)
    if target is not None:
        return lambda: main.app.run_action(target)
    return lambda: main.run_action(action_id)
