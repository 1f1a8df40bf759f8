"""`L`: the article's links, numbered from 1; a digit or Enter opens one, `y` copies it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_reader.footnotes import NumberedLink
from tui_reader.i18n import _


class LinkList(ModalScreen[None]):
    """The numbered links; choosing one hands its URL to `on_open` (the `o` path) and closes."""

    DEFAULT_CSS = """
    LinkList { align: center middle; }
    #links-box {
        width: 90; max-width: 100%; height: auto; max-height: 90%;
        padding: 1 2; background: $surface; border: round $primary;
    }
    #link-list { height: auto; max-height: 24; margin: 1 0; }
    #links-help { color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape,q,L", "close", _("Close"), id="close_links"),
        Binding("y", "copy", _("Copy link"), id="copy_numbered_link"),
        *(
            Binding(str(n), f"open_number({n})", _("Open link {n}").format(n=n), show=False)
            for n in range(1, 10)
        ),
    ]

    def __init__(
        self,
        links: Sequence[NumberedLink],
        on_open: Callable[[str], None],
        on_copy: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.links = tuple(links)
        self.on_open = on_open
        self.on_copy = on_copy

    def compose(self) -> ComposeResult:
        with Vertical(id="links-box"):
            yield Static(Content.styled(_("Links of this article"), "bold"))
            yield OptionList(
                *(Option(link_label(link), id=str(link.number)) for link in self.links),
                id="link-list",
            )
            yield Static(
                Content.styled(_("1–9 or enter: open · y: copy · esc: close"), "dim"),
                id="links-help",
            )

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#link-list", OptionList)

    def highlighted_link(self) -> NumberedLink | None:
        index = self.option_list.highlighted
        return self.links[index] if index is not None and index < len(self.links) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.open(self.links[event.option_index])

    def action_open_number(self, number: int) -> None:
        if 1 <= number <= len(self.links):
            self.open(self.links[number - 1])

    def open(self, link: NumberedLink) -> None:
        self.dismiss(None)
        self.on_open(link.url)

    def action_copy(self) -> None:
        link = self.highlighted_link()
        if link is not None:
            self.on_copy(link.url)

    def action_close(self) -> None:
        self.dismiss(None)


def link_label(link: NumberedLink) -> Content:
    """`1  text` over a dim URL, as data: link texts come from feeds and are never markup."""
    number = Content.styled(f"{link.number:>2}  ", "bold")
    if link.text == link.url:
        return Content.assemble(number, link.url)
    return Content.assemble(number, link.text, "\n    ", (link.url, "dim underline"))
