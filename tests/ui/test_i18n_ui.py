"""The reader in French: key hints, sidebar, help, palette (French and English names), snapshot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Static

from tests.conftest import wait_until
from tests.ui.conftest import (
    AppFactory,
    help_table,
    main_screen,
    press_for_screen,
    settle,
    started,
    text_of,
)
from tui_reader.actions import ACTIONS
from tui_reader.i18n import set_language
from tui_reader.ui.widgets.headline_list import HeadlineList
from tui_reader.ui.widgets.key_hints import KeyHints
from tui_reader.ui.widgets.sidebar import Sidebar


@pytest.fixture
def french() -> Iterator[None]:
    set_language("fr")
    yield
    set_language("en")


def sidebar_labels(sidebar: Sidebar) -> list[str]:
    return [str(sidebar.get_option_at_index(index).prompt) for index in range(3)]


async def test_key_hints_and_sidebar_in_french(french: None, make_app: AppFactory) -> None:
    app = make_app()
    async with started(app):
        hints = text_of(app.screen.query_one(KeyHints))
        assert "Aide" in hints and "Quitter" in hints and "Ouvrir" in hints
        words = hints.split()
        assert "Help" not in words and "Quit" not in words
        labels = sidebar_labels(app.screen.query_one(Sidebar))
        assert [label.split()[0] for label in labels] == ["Tout", "Non", "Favoris"]
        assert labels[1].startswith("Non lus")
        bar = text_of(app.screen.query_one("#filter-bar", Static))
        assert bar.startswith("Tout") and bar.endswith("45 articles")
        # Dates the French way, from the app's clock (2026-11-28 12:00 UTC).
        first = app.screen.query_one(HeadlineList).render_line(0).text
        assert "il y a" in first or " nov. " in first


async def test_key_hints_in_english_by_default(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app):
        hints = text_of(app.screen.query_one(KeyHints))
        assert "Help" in hints and "Quit" in hints
        assert labels_start(app) == ["All", "Unread", "Bookmarks"]


def labels_start(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [label.split()[0] for label in sidebar_labels(app.screen.query_one(Sidebar))]


async def test_help_screen_in_french(french: None, make_app: AppFactory) -> None:
    app = make_app()
    async with started(app, size=(120, 50)) as pilot:
        table = await help_table(pilot)
        for action in ACTIONS:
            assert action.title in table
        assert "Non lu suivant" in table and "Tout actualiser" in table
        assert "Appuyez sur Échap pour fermer." in str(
            [text_of(widget) for widget in app.screen.query(Static)]
        )


async def palette_hits(pilot, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type `query` in the open palette and wait until its results include an action."""
    await pilot.press(*query)
    hits: list[str] = []

    def listed() -> bool:
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        commands = palette.query_one(CommandList)
        hits[:] = [
            str(commands.get_option_at_index(index).prompt)
            for index in range(commands.option_count)
        ]
        return any(hit.startswith("Non lu suivant") for hit in hits)

    await wait_until(pilot, listed)
    return hits


@pytest.mark.parametrize("query", ["non lu suivant", "next unread"])
async def test_palette_finds_actions_by_french_and_english_names(
    french: None, make_app: AppFactory, query: str
) -> None:
    app = make_app()
    async with started(app) as pilot:
        screen = main_screen(app)
        await pilot.press("ctrl+p")
        hits = await palette_hits(pilot, query)
        assert hits and hits[0].startswith("Non lu suivant"), hits
        if query == "next unread":
            assert "Next unread" in hits[0]  # the English name it was found by
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.reader.article is not None  # next unread opened an article


def test_main_screen_in_french(french: None, snap_compare, make_app: AppFactory) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_help_and_quit_hints_stay_visible_at_80_columns(
    make_app: AppFactory, language: str
) -> None:
    set_language(language)
    app = make_app()
    async with started(app, size=(80, 24)) as pilot:
        hints = app.screen.query_one(KeyHints)
        text = text_of(hints)
        assert len(text) <= hints.content_region.width
        expected = ["? Aide", "q Quitter"] if language == "fr" else ["? Help", "q Quit"]
        assert all(part in text for part in expected), text
        assert text.startswith("⏎ Ouvrir" if language == "fr" else "⏎ Open")
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        wide = text_of(hints)
        assert len(wide) > len(text)  # the hints dropped at 80 columns come back


@pytest.mark.parametrize(("language", "expected"), [("en", "1 item"), ("fr", "1 article")])
async def test_one_result_is_singular(make_app: AppFactory, language: str, expected: str) -> None:
    set_language(language)
    app = make_app()
    async with started(app) as pilot:
        screen = main_screen(app)
        screen.set_filter(screen.filter.__class__(search="tiktok"))
        await settle(pilot)
        assert screen.query_one(HeadlineList).total == 1
        bar = text_of(screen.query_one("#filter-bar", Static))
        assert bar.endswith(f"   {expected}"), bar


async def test_textual_system_commands_and_prompt_in_french(
    french: None, make_app: AppFactory
) -> None:
    app = make_app()
    async with started(app) as pilot:
        palette = await press_for_screen(pilot, "ctrl+p", CommandPalette)
        assert palette.query_one(Input).placeholder == "Rechercher une commande…"
        titles = [command.title for command in app.get_system_commands(palette)]
        assert "Thème" in titles and "Capture d'écran" in titles
