"""Intents as messages: the palette and the sidebar post `ui/messages.py` intents that the main
screen handles; each action row says where it runs; help and hints follow `[keys]`."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.message import Message
from textual.widgets import Static

from tests.conftest import wait_until
from tests.ui.conftest import AppFactory, sample_config, settle, started, wait_for_palette
from tui_reader.actions import ACTIONS, key_map
from tui_reader.models import Config
from tui_reader.ui.bindings import action_bindings
from tui_reader.ui.commands import PaletteSource
from tui_reader.ui.filter import Filter
from tui_reader.ui.messages import Intent, RunAction, ShowFeed, ShowTag, ShowView
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.widgets.headline_list import HeadlineList
from tui_reader.ui.widgets.key_hints import KeyHints
from tui_reader.ui.widgets.sidebar import Sidebar


def main_screen(app: App[object]) -> MainScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


class Recorder:
    """Every intent the app processes (Textual's `message_hook`), each once (the hook sees
    a message again at each node it bubbles through)."""

    def __init__(self) -> None:
        self.intents: list[Intent] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Intent) and all(message is not seen for seen in self.intents):
            self.intents.append(message)

    def of(self, kind: type[Intent]) -> list[Intent]:
        return [intent for intent in self.intents if isinstance(intent, kind)]


async def choose_in_palette(pilot, query: str, first: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await pilot.press(*query)
    await wait_for_palette(pilot, first=first)
    await pilot.press("enter")


@pytest.mark.parametrize(
    ("query", "first", "kind", "field", "value", "shown", "total"),
    [
        pytest.param(
            "go to feed korben", "Korben", ShowFeed, "name", "Korben (démo)",
            lambda f: f.feed == "Korben (démo)", 10, id="feed-entry-posts-ShowFeed",
        ),
        pytest.param(
            "filter by tag tech", "tech", ShowTag, "tag", "tech",
            lambda f: f.tags == ("tech",), None, id="tag-entry-posts-ShowTag",
        ),
        pytest.param(
            "show hidden items", "Show hidden items", RunAction, "action_id", "toggle_hidden",
            lambda f: f.show_hidden, None, id="action-entry-posts-RunAction",
        ),
    ],
)  # fmt: skip
async def test_palette_entry_posts_an_intent_and_the_screen_handles_it(
    make_app: AppFactory,
    query: str,
    first: str,
    kind: type[Intent],
    field: str,
    value: str,
    shown: Callable[[Filter], bool],
    total: int | None,
) -> None:
    app = make_app()
    recorder = Recorder()
    async with started(app, message_hook=recorder) as pilot:
        await choose_in_palette(pilot, query, first)
        screen = main_screen(app)
        await wait_until(pilot, lambda: shown(screen.filter))
        (intent,) = recorder.of(kind)
        assert getattr(intent, field) == value
        assert intent.control is None  # from the palette, not a widget
        if total is not None:
            await settle(pilot)
            assert screen.query_one(HeadlineList).total == total


async def test_palette_app_action_runs_on_the_app(make_app: AppFactory) -> None:
    """`help` is a screen action; `quit` (scope "app") reaches the App through the intent."""
    app = make_app()
    recorder = Recorder()
    async with started(app, message_hook=recorder) as pilot:
        screen = main_screen(app)
        screen.post_message(RunAction("quit"))
        await wait_until(pilot, lambda: app.return_code is not None)
        assert app.return_code == 0


async def test_sidebar_posts_intents_with_itself_as_origin(make_app: AppFactory) -> None:
    app = make_app()
    recorder = Recorder()
    async with started(app, message_hook=recorder) as pilot:
        screen = main_screen(app)
        sidebar = screen.query_one(Sidebar)
        sidebar.focus()
        await pilot.press("down", "enter")  # "Unread"
        await wait_until(pilot, lambda: screen.filter.view == "unread")
        (intent,) = recorder.of(ShowView)
        assert intent.control is sidebar
        await wait_until(pilot, lambda: screen.query_one(HeadlineList).has_focus)


async def test_palette_lists_what_the_screen_hands_it(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app):
        screen = main_screen(app)
        assert isinstance(screen, PaletteSource)
        data = screen.palette_data()
        assert {feed.name for feed in data.feeds} == {f.name for f in sample_config().feeds}
        assert "tech" in data.tags
        assert data.bookmarks is not None and list(data.bookmarks()) == []


def remapped(keys: dict[str, str]) -> Config:
    config = sample_config()
    return Config(settings=config.settings, feeds=config.feeds, keys=keys)


async def test_help_and_hints_show_a_key_remapped_in_the_config(make_app: AppFactory) -> None:
    app = make_app(config=remapped({"bookmark": "x", "help": "f1"}))
    async with started(app) as pilot:
        hints = str(main_screen(app).query_one(KeyHints).visual)
        assert "x Bookmark" in hints and "b Bookmark" not in hints
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = str(app.screen.query_one("#help-table", Static).visual)
        rows = {line.split(None, 1)[-1]: line.split()[0] for line in table.splitlines()}
        assert rows["Bookmark"] == "x"
        assert rows["Help"] == "f1"
        assert rows["Next unread"] == "n"  # not remapped: the table's default


def test_key_map_applies_overrides_to_the_table() -> None:
    keys = key_map({"bookmark": "x,f5"})
    assert keys["bookmark"] == "x,f5"
    assert keys["quit"] == "q"
    assert set(keys) == {action.id for action in ACTIONS}


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.id)
def test_each_action_runs_where_its_row_says(action) -> None:  # type: ignore[no-untyped-def]
    from tui_reader.ui.app import ReaderApp

    (binding,) = [b for b in action_bindings() if b.id == action.id]
    owner = ReaderApp if action.scope == "app" else MainScreen
    name = binding.action.removeprefix("app.")
    assert binding.action.startswith("app.") == (action.scope == "app")
    assert callable(getattr(owner, f"action_{name}", None)), f"{owner.__name__} lacks {name}"


def test_palette_provider_reads_neither_the_screen_nor_the_store() -> None:
    import tui_reader.ui.commands as commands

    tree = ast.parse(Path(inspect.getfile(commands)).read_text(encoding="utf-8"))
    names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not names & {"store", "filter", "set_filter", "open_bookmark", "totals", "config"}
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert "MainScreen" not in imported
