"""The reader's organising parts: add a feed (`a`), saved views, the hidden-items toggle,
"Save this search as a view" and "Remove feed…", and what runs after a refresh (hooks,
notifications) or on the timer (per-feed intervals).

`OrganiseActions` is mixed into `MainScreen`; the dialogs are small `ModalScreen`s. Every
store, config or network job runs in a worker; the dialogs only post what the user chose.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tui_reader.i18n import _, ngettext
from tui_reader.models import Config, FeedConfig, ViewConfig
from tui_reader.ui.filter import Filter, search_of

if TYPE_CHECKING:
    from tui_reader.discover import FoundFeed
    from tui_reader.refresh import RefreshSummary
    from tui_reader.ui.app import ReaderApp
    from tui_reader.ui.screens.main import MainScreen

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


class OrganiseActions:
    """The main screen's organising actions (mixed into `MainScreen`)."""

    # -- views and the hidden toggle

    def go_to_view(self: MainScreen, view: ViewConfig) -> None:
        """Show a saved view: its query alone (tags, feed and search cleared)."""
        self.set_filter(
            Filter(saved=view.name, saved_query=view.query, show_hidden=self.filter.show_hidden)
        )

    def action_toggle_hidden(self: MainScreen) -> None:
        shown = not self.filter.show_hidden
        self.set_filter(replace(self.filter, show_hidden=shown))
        self.notify(
            _("Items hidden by rules are shown")
            if shown
            else _("Items hidden by rules are hidden"),
            markup=False,
            timeout=2,
        )

    def save_search_as_view(self: MainScreen) -> None:
        """Ask a name, then append the current filter as a `[[views]]` entry (comments kept)."""
        query = search_of(self.filter)
        if not query:
            self.notify(_("Nothing to save: search or filter first."), markup=False)
            return
        if self.app.config.path is None:
            self.notify(_("No config file to write: run `tui-reader config-init`."), markup=False)
            return

        def save(name: str | None) -> None:
            if name:
                self.write_view(name, query)

        self.app.push_screen(
            TextPromptScreen(_("Save this search as a view"), _("View name"), query), save
        )

    @work(thread=True, group="config", exit_on_error=False)
    def write_view(self: MainScreen, name: str, query: str) -> None:
        from tui_reader.config import ConfigError, add_view

        path = self.app.config.path
        assert path is not None
        try:
            view = add_view(path, name, query)
        except (ValueError, ConfigError) as error:
            message = str(error).splitlines()[0]
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        config = self.app.config
        self.app.config = replace(config, views=(*config.views, view))
        self.app.call_from_thread(
            self.notify, _("Saved the view {name}").format(name=view.name), markup=False
        )
        self.app.call_from_thread(self.go_to_view, view)

    # -- adding and removing feeds

    def action_add_feed(self: MainScreen) -> None:
        if self.app.demo or self.app.config.path is None:
            self.notify(
                _("Adding feeds needs a config file: run `tui-reader config-init` first."),
                markup=False,
                severity="warning",
            )
            return

        def subscribe(result: tuple[FoundFeed, tuple[str, ...]] | None) -> None:
            if result is not None:
                self.subscribe(*result)

        self.app.push_screen(AddFeedScreen(), subscribe)

    @work(thread=True, group="config", exit_on_error=False)
    def subscribe(self: MainScreen, found: FoundFeed, tags: tuple[str, ...]) -> None:
        """Append the feed to the config, add it to the store with the items already
        fetched, apply the rules, and show it."""
        from tui_reader.config import ConfigError, add_feeds, load_config, normalize_url
        from tui_reader.refresh import utc_now_iso
        from tui_reader.rules import apply_to_new

        path = self.app.config.path
        assert path is not None
        try:
            added, _skipped = add_feeds(path, [FeedConfig(found.title, found.url, tags)])
            config = load_config(path)
        except (ConfigError, OSError) as error:
            message = str(error).splitlines()[0]
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        if not added:
            self.app.call_from_thread(
                self.notify, _("Already subscribed: {url}").format(url=found.url), markup=False
            )
            return
        feed = next(f for f in config.feeds if normalize_url(f.url) == normalize_url(found.url))
        store = self.app.store
        self.app.config = config
        store.sync_feeds(config.feeds)
        now = utc_now_iso()
        store.upsert_entries(feed.url, found.parsed.entries, now=now)
        store.record_fetch(
            feed.url,
            status="ok",
            etag=None,
            last_modified=None,
            body_hash=None,
            error=None,
            when=now,
        )
        apply_to_new(store, config.rules)
        self.app.call_from_thread(
            self.notify, _("Subscribed to {name}").format(name=feed.name), markup=False
        )
        self.app.call_from_thread(self.go_to_feed, feed.name)

    def go_to_feed(self: MainScreen, name: str) -> None:
        """Show one feed."""
        self.set_filter(replace(self.filter, feed=name, view="all", saved="", saved_query=""))

    def remove_feed_prompt(self: MainScreen, name: str) -> None:
        """Ask, then unsubscribe from `name` (its bookmarks stay)."""
        if self.app.demo or self.app.config.path is None:
            self.notify(_("No config file to remove the feed from."), markup=False)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.remove_feed(name)

        question = _("Remove the feed {name}? Its bookmarked articles stay.").format(name=name)
        self.app.push_screen(ConfirmScreen(question), answer)

    @work(thread=True, group="config", exit_on_error=False)
    def remove_feed(self: MainScreen, name: str) -> None:
        from tui_reader.config import ConfigError, load_config, remove_feed

        path = self.app.config.path
        assert path is not None
        try:
            removed = remove_feed(path, name)
            config = load_config(path)
        except KeyError:
            message = _("No feed named {name} in the config").format(name=name)
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        except (ConfigError, OSError) as error:
            message = str(error).splitlines()[0]
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        self.app.config = config
        self.app.store.sync_feeds(config.feeds)
        self.app.call_from_thread(
            self.notify, _("Removed {name}").format(name=removed.name), markup=False
        )
        filter = self.filter
        if filter.feed is not None and filter.feed.casefold() == removed.name.casefold():
            filter = replace(filter, feed=None)
        self.app.call_from_thread(self.set_filter, filter)

    # -- after a refresh, and the timer

    @work(thread=True, group="hooks", exit_on_error=False)
    def after_refresh(self: MainScreen, summary: RefreshSummary | None = None) -> None:
        """Hooks and view notifications for what a refresh or a sync stored (in a thread;
        each new item is claimed once in the database, so two runs never feed it twice)."""
        from tui_reader.hooks import after_refresh
        from tui_reader.notify import send_notification

        if not self.app.config.hooks and not any(v.notify for v in self.app.config.views):
            after_refresh(self.app.config, self.app.store)  # only moves the mark forward
            return
        headless = self.app.is_headless

        def notify(title: str, body: str) -> None:
            self.app.call_from_thread(self.notify, body, title=title, markup=False)
            if not headless:
                send_notification(title, body, write=_write_to_terminal)

        report = after_refresh(self.app.config, self.app.store, notify=notify)
        for problem in report.problems:
            self.app.call_from_thread(self.notify, problem, severity="warning", markup=False)

    @work(thread=True, group="due", exclusive=True, exit_on_error=False)
    def refresh_due(self: MainScreen) -> None:
        """Refresh the feeds whose interval has elapsed (the reader's timer)."""
        from datetime import UTC

        from tui_reader.schedule import due_feeds

        config = self.app.config
        due, _waiting = due_feeds(
            config, config.feeds, self.app.store.feed_states(), datetime.now(UTC)
        )
        if due and not get_current_worker().is_cancelled and not self.refreshing:
            self.app.call_from_thread(self.run_refresh, due)


def _write_to_terminal(sequence: str) -> None:
    """Write an OSC notification to the controlling terminal (not through Textual's output,
    which would show it as text); a missing terminal is not an error."""
    with contextlib.suppress(OSError), open("/dev/tty", "w", encoding="utf-8") as tty:
        tty.write(sequence)
        tty.flush()
