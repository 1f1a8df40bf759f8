"""Screens checked with pytest-textual-snapshot: fixed data, fixed clock, no cursor blink."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.conftest import record_error
from tests.ui.conftest import AppFactory, settle, settle_all, wait_for_palette
from tests.ui.test_app import open_tiktok
from tui_reader.models import ArticleQuery
from tui_reader.store import Store


async def ready(pilot) -> None:
    await settle(pilot)


def test_main_screen_wide(snap_compare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=ready)


def test_main_screen_narrow(snap_compare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=ready)


def test_reading_pane_with_tiktok_article(snap_compare, make_app: AppFactory) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await open_tiktok(pilot)
        await settle_all(pilot)  # its picture arrives after the text

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)


def after_keys(*keys: str) -> Callable[[Any], Awaitable[None]]:
    """A `run_before` that presses `keys`, letting the app settle after each."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_help_screen(snap_compare, make_app: AppFactory) -> None:
    run_before = after_keys("question_mark")
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)


def test_tag_picker(snap_compare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=after_keys("t", "space"))


def test_command_palette(snap_compare, make_app: AppFactory) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"feed")
        await wait_for_palette(pilot, hits=14)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)


def test_feed_error_mark(snap_compare, make_app: AppFactory, store: Store) -> None:
    url = store.feed_states()
    numerama = next(state for state in url.values() if state.name.startswith("Numerama"))
    record_error(
        store,
        numerama.url,
        "HTTP 503 Service Unavailable (retry after 120 s)",
        "2026-11-28T11:00:00+00:00",
    )
    assert store.count(ArticleQuery()) == 45

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("shift+tab")  # the sidebar
        for _ in range(20):
            await pilot.press("down")
            option = pilot.app.focused.highlighted_option
            names = pilot.app.focused.feed_names
            if option is not None and names.get((option.id or "")[5:], "").startswith("Numerama"):
                break
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)
