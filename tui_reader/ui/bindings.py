"""Bindings built from the one action table (`tui_reader.actions.ACTIONS`)."""

from __future__ import annotations

from textual.binding import Binding

from tui_reader.actions import ACTIONS


def action_bindings() -> list[Binding]:
    """One `Binding` per action, with `id` = action name so `[keys]` can remap it; the row's
    `scope` says whether the screen or the App runs it (`Action.target`).

    Descriptions are translated here, at import of the screen: the CLI chooses the language
    before it imports any UI module. Hints, help and palette translate again when shown.
    """
    return [
        Binding(action.keys, action.target, action.title, show=action.show, id=action.id)
        for action in ACTIONS
    ]
