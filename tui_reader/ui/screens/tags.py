"""The tag picker: multi-select with live counts for the current selection (tags are ANDed)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from tui_reader.i18n import _
from tui_reader.ui.screens.dialog import Dialog

TagCounter = Callable[[tuple[str, ...]], Mapping[str, int]]
"""`counter(selected)` → for every tag, how many shown items carry it and all of `selected`."""


class TagPicker(Dialog[None]):
    """Toggling a tag applies the filter at once (through `on_change`); Esc closes."""

    # Here rather than in reader.tcss: parsed when the dialog first opens, not at the launch.
    DEFAULT_CSS = """
    #tag-list { height: auto; max-height: 20; margin: 1 0; }
    """

    BINDINGS = [
        Binding("escape,q,t", "close", _("Close"), id="close_tags"),
        Binding("T", "clear", _("Clear all"), id="clear_picked_tags"),
    ]

    def __init__(
        self,
        tags: Sequence[str],
        selected: Sequence[str],
        counter: TagCounter,
        on_change: Callable[[tuple[str, ...]], None],
    ) -> None:
        super().__init__()
        self.tags = tuple(tags)
        self.selected = tuple(selected)
        self.counter = counter
        self.on_change = on_change
        self.counts: Mapping[str, int] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-box", classes="dialog-box"):
            yield Static(Content.styled(_("Filter by tags (items must carry all)"), "bold"))
            yield SelectionList[str](id="tag-list")
            yield Static(Content.styled(_("space: toggle · esc: close · T: clear all"), "dim"))

    def on_mount(self) -> None:
        self.load_counts(self.selected)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_counts(self, selected: tuple[str, ...]) -> None:
        counts = self.counter(selected)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_counts, selected, counts)

    def show_counts(self, selected: tuple[str, ...], counts: Mapping[str, int]) -> None:
        """Rebuild the options with fresh counts, keeping the highlight."""
        self.counts = counts
        tag_list = self.query_one("#tag-list", SelectionList)
        highlighted = tag_list.highlighted
        with self.app.batch_update():
            tag_list.clear_options()
            tag_list.add_options(
                Selection(tag_label(tag, counts.get(tag, 0)), tag, tag in selected)
                for tag in self.tags
            )
            if tag_list.option_count:
                tag_list.highlighted = min(highlighted or 0, tag_list.option_count - 1)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        chosen = set(event.selection_list.selected)
        # Keep the order in which tags were picked: the filter line reads as the user built it.
        kept = tuple(tag for tag in self.selected if tag in chosen)
        selected = kept + tuple(tag for tag in self.tags if tag in chosen and tag not in kept)
        if selected == self.selected:
            return
        self.selected = selected
        self.on_change(selected)
        self.load_counts(selected)

    def action_clear(self) -> None:
        self.query_one("#tag-list", SelectionList).deselect_all()

    def action_close(self) -> None:
        self.dismiss(None)


def tag_label(tag: str, count: int) -> Content:
    """`#tag  123` as data, dimmed when nothing would match."""
    label = Content.assemble(f"#{tag}", (f"  {count}", "dim"))
    return label.stylize("dim") if count == 0 else label
