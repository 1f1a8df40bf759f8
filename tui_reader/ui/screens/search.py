"""The search prompt: full text plus elfeed-style filter terms."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from tui_reader.i18n import _
from tui_reader.ui.screens.dialog import Dialog
from tui_reader.ui.screens.help import SEARCH_HELP


class SearchScreen(Dialog[str | None]):
    """Returns the query typed (possibly empty, meaning "clear"), or None when cancelled."""

    # Here rather than in reader.tcss: parsed when the dialog first opens, not at the launch.
    DEFAULT_CSS = """
    #search-help { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="cancel_search")]

    def __init__(self, initial: str = "") -> None:
        super().__init__()
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box", classes="dialog-box"):
            yield Input(self.initial, placeholder=_("Search…"), id="search-input")
            yield Static(Content(_(SEARCH_HELP)), id="search-help")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
