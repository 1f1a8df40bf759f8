"""A one-line key reminder built from the action table and the live keymap.

Textual's Footer mounts a widget per binding and restyles each at start-up (~30 ms here);
one Static line costs next to nothing and still follows `[keys]` remapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from tui_reader.actions import ACTIONS


class KeyHints(Static):
    """`⏎ Open  n Next unread  …` for the actions marked `show` in the table."""

    DEFAULT_CSS = """
    KeyHints {
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.update(hint_line(getattr(self.app, "_keymap", {}), self.app.get_key_display))


def hint_line(keymap: Mapping[str, str], display: Callable[[Binding], str]) -> Content:
    """The hints, each key in bold, remapped keys included."""
    parts: list[Content] = []
    for action in ACTIONS:
        if not action.show:
            continue
        first_key = keymap.get(action.id, action.keys).split(",")[0].strip()
        key = display(Binding(first_key, ""))
        parts.append(Content.assemble((key, "bold $footer-key-foreground"), " ", action.title))
    return Content("  ").join(parts)
