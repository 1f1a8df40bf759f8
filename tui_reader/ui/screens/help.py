"""The help screen: every binding, generated from the action table and the config's `[keys]`
(the key map the screen hands over, `tui_reader.actions.key_map`)."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui_reader.actions import ACTIONS, key_map
from tui_reader.i18n import N_, _
from tui_reader.ui.screens.dialog import Dialog

SEARCH_HELP = N_(
    "Search syntax: words (full text, accents ignored) · +tag · -tag · =feed · "
    "@7d @2w @3m (newer than) · is:unread · is:bookmarked · is:hidden"
)
"""English msgid: show it as `_(SEARCH_HELP)`."""


class HelpScreen(Dialog[None]):
    """Lists each action with the keys it is bound to right now."""

    # Here rather than in reader.tcss: parsed when the dialog first opens, not at the launch.
    DEFAULT_CSS = """
    #help-body { width: 80; }
    #help-title, #help-search { margin-bottom: 1; }
    """

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", _("Close"), id="close_help")]

    def __init__(self, keys: Mapping[str, str] | None = None) -> None:
        """`keys`: action id → its keys, as `key_map(config.keys)` gives (defaults if None)."""
        super().__init__()
        self.keys = dict(keys) if keys is not None else key_map()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="dialog-box"):
            yield Static(
                Content.assemble(
                    (_("Keys"), "bold"),
                    (
                        _('  (remap any action in the config\'s [keys] table: action = "key")'),
                        "dim",
                    ),
                ),
                id="help-title",
            )
            yield Static(self.binding_table(), id="help-table")
            yield Static(Content(_(SEARCH_HELP)), id="help-search")
            yield Static(Content.styled(_("Press Esc to close."), "dim"))

    def binding_table(self) -> Content:
        """One line per action: its keys as the user would type them, then what it does."""
        rows: list[Content] = []
        for action in ACTIONS:
            keys = self.keys.get(action.id, action.keys)
            shown = ", ".join(
                self.app.get_key_display(Binding(key.strip(), "")) for key in keys.split(",")
            )
            rows.append(Content.assemble((shown.ljust(18), "bold"), action.title))
        return Content("\n").join(rows)
