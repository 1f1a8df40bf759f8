"""A one-line key reminder built from the action table and the config's `[keys]` (the key
map its screen hands over, `tui_reader.actions.key_map`).

Textual's Footer mounts a widget per binding and restyles each at start-up (~30 ms here);
one Static line costs next to nothing and still follows `[keys]` remapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from tui_reader.actions import ACTIONS, key_map


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

    def __init__(self, keys: Mapping[str, str] | None = None, *, id: str | None = None) -> None:
        """`keys`: action id → its keys, as `key_map(config.keys)` gives (defaults if None)."""
        super().__init__(id=id)
        self.keys = dict(keys) if keys is not None else key_map()

    def on_mount(self) -> None:
        self.show_hints()

    def on_resize(self) -> None:
        self.show_hints()

    def show_hints(self) -> None:
        """The hints that fit the width (help and quit always among them)."""
        self.update(hint_line(self.keys, self.app.get_key_display, self.content_region.width))


ALWAYS_SHOWN = frozenset({"help", "quit"})
"""Hints kept when the line is too narrow for all (others go from the right): in any
language the user can still find help and the way out."""


def hint_line(
    keymap: Mapping[str, str], display: Callable[[Binding], str], width: int = 0
) -> Content:
    """The hints, each key in bold, remapped keys included; at most `width` cells if given."""
    parts: list[tuple[str, Content]] = []
    for action in ACTIONS:
        if not action.show:
            continue
        first_key = keymap.get(action.id, action.keys).split(",")[0].strip()
        key = display(Binding(first_key, ""))
        hint = Content.assemble((key, "bold $footer-key-foreground"), " ", action.title)
        parts.append((action.id, hint))
    line = Content("  ").join(hint for _, hint in parts)
    while width > 0 and line.cell_length > width:
        droppable = [index for index, (id, _) in enumerate(parts) if id not in ALWAYS_SHOWN]
        if not droppable:
            break
        del parts[droppable[-1]]
        line = Content("  ").join(hint for _, hint in parts)
    return line
