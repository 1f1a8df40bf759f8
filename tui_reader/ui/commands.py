"""Command-palette providers: every action, "go to feed …", "filter by tag …", "open bookmark …",
"go to view …", "save this search as a view", "remove feed …".

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
            (_("Open bookmark: {title}").format(title=a.title), lambda a=a: main.open_bookmark(a))
            for a in articles
        ]

    def commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        """(title, callback, help) for everything the palette offers."""
        for title, _english, callback, help_text in self.entries():
            yield title, callback, help_text

    def entries(self) -> Iterator[tuple[str, str, Callable[[], object], str]]:
        """(title, English title, callback, help): actions are also found by their English
        names when the interface is in another language."""
        main = self._main()
        if main is None:
            return
        for action in ACTIONS:
            if action.id == "command_palette":
                continue
            help_text = self.key_help(action)
            yield action.title, action.description, partial_action(main, action.id), help_text
        for title, callback, help_text in self.other_commands(main):
            yield title, title, callback, help_text

    def other_commands(self, main: MainScreen) -> Iterator[tuple[str, Callable[[], object], str]]:
        """Feeds, tags and bookmarks."""
        if main.totals is not None:
            for feed in main.totals.feeds:
                yield (
                    _("Go to feed: {name}").format(name=feed.name),
                    lambda name=feed.name: main.set_filter(
                        replace(main.filter, feed=name, view="all")
                    ),
                    ngettext("{n} unread", "{n} unread", feed.unread).format(n=feed.unread),
                )
            for tag in sorted(main.totals.tags):
                yield (
                    _("Filter by tag: {tag}").format(tag=tag),
                    lambda tag=tag: main.set_filter(replace(main.filter, tags=(tag,), feed=None)),
                    ngettext("{n} item", "{n} items", main.totals.tags[tag]).format(
                        n=main.totals.tags[tag]
                    ),
                )
        yield from organise_commands(main)
        for title, callback in self.bookmarks:
            yield title, callback, _("Bookmark")

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


def partial_action(main: MainScreen, action_id: str) -> Callable[[], object]:
    """A callback running a screen or app action by its id."""
    from tui_reader.ui.bindings import APP_ACTIONS

    target = APP_ACTIONS.get(action_id)
    if target is not None:
        return lambda: main.app.run_action(target)
    return lambda: main.run_action(action_id)


def organise_commands(main: MainScreen) -> Iterator[tuple[str, Callable[[], object], str]]:
    """The palette entries for views and feeds: go to a view, save a search, remove a feed."""
    from tui_reader.i18n import _

    counts = dict(main.totals.views) if main.totals is not None else {}
    for view in main.app.config.views:
        yield (
            _("Go to view: {name}").format(name=view.name),
            lambda view=view: main.go_to_view(view),
            _("{n} items · {query}").format(n=counts.get(view.name, 0), query=view.query),
        )
    yield (
        _("Save this search as a view"),
        main.save_search_as_view,
        _("Adds a [[views]] entry to the config"),
    )
    for feed in main.app.config.feeds:
        yield (
            _("Remove feed: {name}").format(name=feed.name),
            lambda name=feed.name: main.remove_feed_prompt(name),
            _("Unsubscribe; bookmarks stay"),
        )
