"""The organising dialogs: add a feed (`a`), name a saved view, confirm a removal.

Small `ModalScreen`s that return what the user chose; the writes that follow are
`ui/services/subscriptions.py`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_reader.i18n import _, ngettext
from tui_reader.models import Config

if TYPE_CHECKING:
    from tui_reader.discover import FoundFeed
    from tui_reader.ui.app import ReaderApp

_BOX_CSS = """
    align: center middle;
    #organise-box {
        width: 74; max-width: 100%; height: auto; max-height: 90%;
        padding: 1 2; background: $surface; border: round $primary;
    }
    #organise-title { text-style: bold; margin-bottom: 1; }
    #organise-result { margin-top: 1; color: $text-muted; }
    #organise-result.-error { color: $error; }
"""


def split_tags(text: str) -> tuple[str, ...]:
    """`"tech, fr linux"` → `("tech", "fr", "linux")` (spaces or commas; each once)."""
    return tuple(dict.fromkeys(tag for tag in text.replace(",", " ").split() if tag))


class AddFeedScreen(ModalScreen["tuple[FoundFeed, tuple[str, ...]] | None"]):
    """`a`: a feed or site URL and tags; discovers in a worker, shows what it found, and
    returns the feed to subscribe to (enter again) or None (escape)."""

    DEFAULT_CSS = "AddFeedScreen {" + _BOX_CSS + "}"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_add")]

    app: ReaderApp

    def __init__(self) -> None:
        super().__init__()
        self.found: FoundFeed | None = None
        self.found_for = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="organise-box"):
            yield Static(_("Add a feed"), id="organise-title", markup=False)
            yield Input(placeholder=_("Feed or site URL (https://…)"), id="add-url")
            yield Input(placeholder=_("Tags, separated by spaces (optional)"), id="add-tags")
            yield Static(
                _("enter: look for the feed · enter again: subscribe · esc: cancel"),
                id="organise-result",
                markup=False,
            )

    def show_result(self, text: str, *, error: bool = False) -> None:
        result = self.query_one("#organise-result", Static)
        result.update(Content(text))
        result.set_class(error, "-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        url = self.query_one("#add-url", Input).value.strip()
        if self.found is not None and url == self.found_for:
            tags = split_tags(self.query_one("#add-tags", Input).value)
            self.dismiss((self.found, tags))
            return
        if event.input.id == "add-tags" and not url:
            self.query_one("#add-url", Input).focus()
            return
        self.found = None
        self.discover(url)

    @work(exclusive=True, group="discover", exit_on_error=False)
    async def discover(self, url: str) -> None:
        from tui_reader.config import normalize_url, url_problem
        from tui_reader.discover import DiscoveryError, discover_feeds

        problem = url_problem(url) if url else _("type a URL first")
        if problem is not None:
            self.show_result(problem, error=True)
            return
        if subscribed := _subscribed(self.app.config, url):
            self.show_result(_("Already subscribed: {name}").format(name=subscribed), error=True)
            return
        self.show_result(_("Looking for a feed at {url}…").format(url=url))
        try:
            async with self.app.make_fetcher() as fetcher:
                found = (await discover_feeds(fetcher, url))[0]
        except DiscoveryError as error:
            self.show_result(str(error), error=True)
            return
        if normalize_url(found.url) != normalize_url(url) and (
            subscribed := _subscribed(self.app.config, found.url)
        ):
            self.show_result(_("Already subscribed: {name}").format(name=subscribed), error=True)
            return
        self.found, self.found_for = found, url
        count = len(found.parsed.entries)
        self.show_result(
            ngettext(
                "Found {title} <{url}>, {n} item. Press enter to subscribe.",
                "Found {title} <{url}>, {n} items. Press enter to subscribe.",
                count,
            ).format(title=found.title, url=found.url, n=count)
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


def _subscribed(config: Config, url: str) -> str | None:
    from tui_reader.config import normalize_url

    wanted = normalize_url(url)
    return next((f.name for f in config.feeds if normalize_url(f.url) == wanted), None)


class TextPromptScreen(ModalScreen[str | None]):
    """A one-line question (e.g. the name of a new view); returns the text or None."""

    DEFAULT_CSS = "TextPromptScreen {" + _BOX_CSS + "}"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_prompt")]

    def __init__(self, title: str, placeholder: str, note: str = "") -> None:
        super().__init__()
        self.title_text, self.placeholder, self.note = title, placeholder, note

    def compose(self) -> ComposeResult:
        with Vertical(id="organise-box"):
            yield Static(self.title_text, id="organise-title", markup=False)
            yield Input(placeholder=self.placeholder, id="prompt-input")
            yield Static(self.note, id="organise-result", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: `y` or enter confirms, `n` or escape declines."""

    DEFAULT_CSS = "ConfirmScreen {" + _BOX_CSS + "}"
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="organise-box"):
            yield Static(self.question, id="organise-title", markup=False)
            yield Static(_("y: yes · n: no"), id="organise-result", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
