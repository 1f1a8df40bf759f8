"""Moving on the main screen: the next or previous item (in the focused list), opening,
going back, scrolling, and jumping to the next or previous unread article (found off the
loop, across feeds when the current selection has none left). The screen's `action_*`
methods are these functions."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import work

from tui_reader.i18n import _
from tui_reader.models import Article
from tui_reader.ui.filter import UnreadFound, find_unread
from tui_reader.ui.reading import open_article

if TYPE_CHECKING:
    from tui_reader.ui.screens.main import MainScreen


def move(screen: MainScreen, delta: int) -> None:
    """One item down (`delta` > 0) or up, in the sidebar or the list; reading follows."""
    if screen.sidebar.has_focus:
        if delta > 0:
            screen.sidebar.action_cursor_down()
        else:
            screen.sidebar.action_cursor_up()
        return
    screen.headlines.move_cursor(delta)
    if screen.reader.has_focus and screen.headlines.current is not None:
        open_article(screen, screen.headlines.current)


def next_item(screen: MainScreen) -> None:
    move(screen, +1)


def previous_item(screen: MainScreen) -> None:
    move(screen, -1)


def open_current(screen: MainScreen) -> None:
    if screen.sidebar.has_focus:
        screen.sidebar.action_select()
    elif screen.headlines.current is not None:
        open_article(screen, screen.headlines.current, focus=True)


def back(screen: MainScreen) -> None:
    if screen.reader.has_focus or screen.sidebar.has_focus:
        screen.headlines.focus()
    elif screen.filter.search:
        screen.set_filter(replace(screen.filter, search=""))


def scroll_down(screen: MainScreen) -> None:
    if screen.headlines.has_focus:
        screen.headlines.move_cursor(screen.headlines.page_size())
    else:
        screen.reader.scroll_body(+1)


def scroll_up(screen: MainScreen) -> None:
    if screen.headlines.has_focus:
        screen.headlines.move_cursor(-screen.headlines.page_size())
    else:
        screen.reader.scroll_body(-1)


def next_unread(screen: MainScreen) -> None:
    jump_unread(screen, screen.headlines.current, forward=True)


def previous_unread(screen: MainScreen) -> None:
    jump_unread(screen, screen.headlines.current, forward=False)


@work(thread=True, exclusive=True, group="jump", exit_on_error=False)
def jump_unread(screen: MainScreen, current: Article | None, forward: bool) -> None:
    app = screen.app
    found = find_unread(app.store, screen.filter, screen.query_now, current, forward, app.now())
    if found is None:
        message = _("No more unread articles here.")
        app.call_from_thread(screen.notify, message, markup=False, timeout=3)
    else:
        app.call_from_thread(_jump_to, screen, found)


def _jump_to(screen: MainScreen, found: UnreadFound) -> None:
    if found.filter is not None:
        screen.reload(filter=found.filter, keep=found.article)
    else:
        screen.headlines.cursor = found.index
    open_article(screen, found.article, focus=True)
