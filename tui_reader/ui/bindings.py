"""Bindings built from the one action table (`tui_reader.actions.ACTIONS`)."""

from __future__ import annotations

from textual.binding import Binding

from tui_reader.actions import ACTIONS

# Actions that live on the App rather than on the main screen.
APP_ACTIONS = {
    "quit": "app.quit",
    "command_palette": "app.command_palette",
    "focus_next": "app.focus_next",
    "focus_previous": "app.focus_previous",
}


def action_bindings() -> list[Binding]:
    """One `Binding` per action, with `id` = action name so `[keys]` can remap it.

    Descriptions are translated here, at import of the screen: the CLI chooses the language
    before it imports any UI module. Hints, help and palette translate again when shown.
    """
    return [
        Binding(
            action.keys,
            APP_ACTIONS.get(action.id, action.id),
            action.title,
            show=action.show,
            id=action.id,
        )
        for action in ACTIONS
    ]
