"""Issue 11: the first frame already has the layout of the terminal's width.

Textual sets the `HORIZONTAL_BREAKPOINTS` class at the screen's first Resize, which comes
after the first frame: every widget was then styled again and the screen drawn again, and a
narrow terminal first showed the wide layout. The main screen sets it from the start.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import FIXED_NOW, main_screen, sample_config, settle
from tui_reader.store import Store
from tui_reader.ui import app as app_module
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.main import MainScreen


class ProbedScreen(MainScreen):
    """The main screen, noting its classes and the sidebar's size when it mounts (its
    children are styled then, and nothing has been drawn yet)."""

    seen: list[tuple[set[str], object, object]] = []

    def on_mount(self) -> None:  # Textual also runs MainScreen.on_mount (handlers per class)
        sidebar = self.query_one("#sidebar").styles
        ProbedScreen.seen.append((set(self.classes), sidebar.width, sidebar.height))


class ProbedApp(ReaderApp):
    CSS_PATH = Path(app_module.__file__).with_name(ReaderApp.CSS_PATH)  # type: ignore[arg-type]

    def get_default_screen(self) -> MainScreen:
        return ProbedScreen()


@pytest.mark.parametrize(
    ("width", "expected", "sidebar"),
    [(80, "-narrow", ("100w", "5")), (120, "-wide", ("30", "100h"))],
)
async def test_the_width_class_is_there_before_the_first_frame(
    store: Store, width: int, expected: str, sidebar: tuple[str, str]
) -> None:
    ProbedScreen.seen = []
    app = ProbedApp(sample_config(), store, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        ((classes, sidebar_width, sidebar_height),) = ProbedScreen.seen
        assert expected in classes
        assert {"-narrow", "-wide"} - {expected} & classes == set()
        assert (str(sidebar_width), str(sidebar_height)) == sidebar
        # Textual's own breakpoint update, at the first Resize, agrees.
        assert {"-narrow", "-wide"} & main_screen(app).classes == {expected}
