"""What the main screen does with each intent (`ui/messages.py`) from the sidebar, the palette
and the help screen: one small function per intent, dispatched by the intent's type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import singledispatch
from typing import TYPE_CHECKING

from tui_reader.actions import ACTIONS
from tui_reader.ui import messages as m
from tui_reader.ui.filter import search_of

if TYPE_CHECKING:
    from tui_reader.ui.screens.main import MainScreen


async def handle_intent(screen: MainScreen, event: m.Intent) -> None:
    """Do what `event` asks on `screen`; after a choice in the sidebar, the list has the
    focus (as `enter` there did)."""
    if isinstance(event, m.RunAction):
        for action in ACTIONS:
            if action.id == event.action_id:
                await screen.run_action(action.target)
        return
    _handle(event, screen)
    choice = isinstance(event, m.ShowView | m.ShowTag | m.ShowFeed | m.ShowSavedView)
    if choice and event.control is screen.sidebar:
        screen.headlines.focus()


@singledispatch
def _handle(event: m.Intent, screen: MainScreen) -> None:
    """An intent the screen does not know does nothing."""


def _on(intent: type[m.Intent]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return _handle.register(intent)  # type: ignore[return-value]


@_on(m.ShowView)
def _show_view(event: m.ShowView, screen: MainScreen) -> None:
    filter = screen.filter
    screen.set_filter(replace(filter, view=event.view, feed=None, saved="", saved_query=""))


@_on(m.ShowTag)
def _show_tag(event: m.ShowTag, screen: MainScreen) -> None:
    filter = screen.filter
    screen.set_filter(replace(filter, tags=(event.tag,), feed=None, saved="", saved_query=""))


@_on(m.ShowFeed)
def _show_feed(event: m.ShowFeed, screen: MainScreen) -> None:
    filter = screen.filter
    screen.set_filter(replace(filter, feed=event.name, view="all", saved="", saved_query=""))


@_on(m.ShowSavedView)
def _show_saved_view(event: m.ShowSavedView, screen: MainScreen) -> None:
    for saved in screen.app.config.views:
        if saved.name == event.name:
            screen.go_to_view(saved)


@_on(m.OpenBookmark)
def _open_bookmark(event: m.OpenBookmark, screen: MainScreen) -> None:
    screen.open_bookmark(event.article)


@_on(m.RemoveFeed)
def _remove_feed(event: m.RemoveFeed, screen: MainScreen) -> None:
    screen.app.subscriptions.remove_prompt(event.name)


@_on(m.SaveSearchAsView)
def _save_search_as_view(event: m.SaveSearchAsView, screen: MainScreen) -> None:
    screen.app.subscriptions.save_search(search_of(screen.filter))
