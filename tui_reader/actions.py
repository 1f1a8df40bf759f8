"""The one table of user actions (SPEC's key table).

It is plain data so that the core (config validation, `check-config`) can use it without
importing Textual; the UI turns each row into a `Binding` whose `id` is the action name,
and the footer, the help screen, the command palette and `[keys]` overrides all read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from tui_reader.i18n import N_, _


@dataclass(frozen=True, slots=True)
class Action:
    """One action: its id (the `[keys]` name), default keys, a short description and where
    it is handled: `scope="screen"` (a `MainScreen.action_…` method) or `scope="app"` (an
    `App.action_…` method, such as Textual's `quit` or `focus_next`).

    The description is marked with `N_` and translated when shown (`title`): the table is
    built at import time, before the user's language may be known.
    """

    id: str
    keys: str  # Textual key syntax, comma-separated alternatives
    description: str
    show: bool = True  # shown in the footer
    scope: Literal["screen", "app"] = "screen"  # where the action method lives

    @property
    def title(self) -> str:
        """The description in the user's language (`description` stays the English msgid)."""
        return _(self.description)

    @property
    def target(self) -> str:
        """The action string a binding or `run_action` takes (`"app.quit"`, `"bookmark"`)."""
        return f"app.{self.id}" if self.scope == "app" else self.id


ACTIONS: tuple[Action, ...] = (
    Action("next_item", "j,down", N_("Next item"), show=False),
    Action("previous_item", "k,up", N_("Previous item"), show=False),
    Action("open", "enter,l", N_("Open")),
    Action("back", "escape,h", N_("Back"), show=False),
    Action("scroll_down", "space,pagedown", N_("Scroll down"), show=False),
    Action("scroll_up", "pageup", N_("Scroll up"), show=False),
    Action("next_unread", "n", N_("Next unread")),
    Action("previous_unread", "p", N_("Previous unread"), show=False),
    Action("focus_next", "tab", N_("Next pane"), show=False, scope="app"),
    Action("focus_previous", "shift+tab", N_("Previous pane"), show=False, scope="app"),
    Action("refresh_feed", "r", N_("Refresh feed"), show=False),
    Action("refresh_all", "R", N_("Refresh all")),
    Action("toggle_read", "m", N_("Toggle read"), show=False),
    Action("mark_all_read", "A", N_("Mark all read"), show=False),
    Action("undo", "u", N_("Undo mark all read"), show=False),
    Action("bookmark", "b", N_("Bookmark")),
    Action("show_bookmarks", "B", N_("Bookmarks"), show=False),
    Action("tag_filter", "t", N_("Tags")),
    Action("clear_tags", "T", N_("Clear tags"), show=False),
    Action("search", "slash", N_("Search")),
    Action("fetch_full", "f", N_("Full article"), show=False),
    Action("open_link", "o", N_("Open link"), show=False),
    Action("copy_link", "y", N_("Copy link"), show=False),
    Action("link_list", "L", N_("Numbered links"), show=False),
    Action("add_feed", "a", N_("Add feed"), show=False),
    Action("toggle_hidden", "H", N_("Show hidden items"), show=False),
    Action("help", "question_mark", N_("Help")),
    Action("command_palette", "ctrl+p", N_("Palette"), show=False, scope="app"),
    Action("quit", "q", N_("Quit"), scope="app"),
)

ACTION_IDS: frozenset[str] = frozenset(action.id for action in ACTIONS)


def key_map(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Action id → its keys (comma-separated, Textual syntax): the table's defaults with the
    config's `[keys]` overrides applied. The one source of "which key does what" for the
    help screen and the key hints; the App hands the same overrides to Textual."""
    overrides = overrides or {}
    return {action.id: overrides.get(action.id, action.keys) for action in ACTIONS}
