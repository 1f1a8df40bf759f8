"""The one table of user actions (SPEC's key table).

It is plain data so that the core (config validation, `check-config`) can use it without
importing Textual; the UI turns each row into a `Binding` whose `id` is the action name,
and the footer, the help screen, the command palette and `[keys]` overrides all read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Action:
    """One action: its id (the `[keys]` name), default keys and a short description."""

    id: str
    keys: str  # Textual key syntax, comma-separated alternatives
    description: str
    show: bool = True  # shown in the footer


ACTIONS: tuple[Action, ...] = (
    Action("next_item", "j,down", "Next item", show=False),
    Action("previous_item", "k,up", "Previous item", show=False),
    Action("open", "enter,l", "Open"),
    Action("back", "escape,h", "Back", show=False),
    Action("scroll_down", "space,pagedown", "Scroll down", show=False),
    Action("scroll_up", "pageup", "Scroll up", show=False),
    Action("next_unread", "n", "Next unread"),
    Action("previous_unread", "p", "Previous unread", show=False),
    Action("focus_next", "tab", "Next pane", show=False),
    Action("focus_previous", "shift+tab", "Previous pane", show=False),
    Action("refresh_feed", "r", "Refresh feed", show=False),
    Action("refresh_all", "R", "Refresh all"),
    Action("toggle_read", "m", "Toggle read", show=False),
    Action("mark_all_read", "A", "Mark all read", show=False),
    Action("undo", "u", "Undo mark all read", show=False),
    Action("bookmark", "b", "Bookmark"),
    Action("show_bookmarks", "B", "Bookmarks", show=False),
    Action("tag_filter", "t", "Tags"),
    Action("clear_tags", "T", "Clear tags", show=False),
    Action("search", "slash", "Search"),
    Action("fetch_full", "f", "Full article", show=False),
    Action("open_link", "o", "Open link", show=False),
    Action("copy_link", "y", "Copy link", show=False),
    Action("link_list", "L", "Numbered links", show=False),
    Action("help", "question_mark", "Help"),
    Action("command_palette", "ctrl+p", "Palette", show=False),
    Action("quit", "q", "Quit"),
)

ACTION_IDS: frozenset[str] = frozenset(action.id for action in ACTIONS)
