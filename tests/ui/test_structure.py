"""Issue 10: the main screen composes; the work lives in rooms of its own."""

from __future__ import annotations

import inspect
from pathlib import Path

from tui_reader.ui import navigation, screen_actions
from tui_reader.ui.screens import main


def test_main_screen_module_stays_at_most_300_lines() -> None:
    lines = Path(inspect.getfile(main)).read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 300, f"ui/screens/main.py has {len(lines)} lines"


def test_screen_actions_are_the_functions_of_their_modules() -> None:
    # `j`, `b`, `r`... run the functions of ui/navigation.py and ui/screen_actions.py.
    assert main.MainScreen.action_next_item is navigation.next_item
    assert main.MainScreen.action_next_unread is navigation.next_unread
    assert main.MainScreen.action_bookmark is screen_actions.bookmark
    assert main.MainScreen.action_refresh_all is screen_actions.refresh_all
