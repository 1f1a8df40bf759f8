"""Changing what the reader follows, in the config file (comments kept) and the store: add a
feed (`a`), remove one, save a search as a view. The dialogs are in `ui/organise.py`; the
writes run in worker threads, and the screens hear the outcome as intents or messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from tui_reader.i18n import _
from tui_reader.models import FeedConfig
from tui_reader.ui.messages import FeedRemoved, ShowFeed, ShowSavedView
from tui_reader.ui.services import Service

if TYPE_CHECKING:
    from tui_reader.discover import FoundFeed


class Subscriptions(Service):
    """The flows that edit the config: each asks, then writes in a thread."""

    def _in_thread(self, work: Callable[..., None], *args: object) -> None:
        self.in_thread(lambda: work(*args), group="config")

    def _fail(self, message: str) -> None:
        self.app.call_from_thread(self.app.notify, message, severity="error", markup=False)

    def _say(self, message: str) -> None:
        self.app.call_from_thread(self.app.notify, message, markup=False)

    # -- saved views

    def save_search(self, query: str) -> None:
        """Ask a name, then append `query` as a `[[views]]` entry."""
        if not query:
            self.app.notify(_("Nothing to save: search or filter first."), markup=False)
            return
        if self.app.config.path is None:
            self.app.notify(
                _("No config file to write: run `tui-reader config-init`."), markup=False
            )
            return

        def save(name: str | None) -> None:
            if name:
                self._in_thread(self.write_view, name, query)

        from tui_reader.ui.organise import TextPromptScreen  # a dialog: not at the launch

        self.app.push_screen(
            TextPromptScreen(_("Save this search as a view"), _("View name"), query), save
        )

    def write_view(self, name: str, query: str) -> None:
        from tui_reader.config import ConfigError, add_view

        path = self.app.config.path
        assert path is not None
        try:
            view = add_view(path, name, query)
        except (ValueError, ConfigError) as error:
            self._fail(str(error).splitlines()[0])
            return
        config = self.app.config
        self.app.config = replace(config, views=(*config.views, view))
        self._say(_("Saved the view {name}").format(name=view.name))
        self.tell(ShowSavedView(view.name))

    # -- adding and removing feeds

    def add_feed(self) -> None:
        """`a`: ask a URL and tags, discover the feed, then subscribe."""
        if self.app.demo or self.app.config.path is None:
            self.app.notify(
                _("Adding feeds needs a config file: run `tui-reader config-init` first."),
                markup=False,
                severity="warning",
            )
            return

        def subscribe(result: tuple[FoundFeed, tuple[str, ...]] | None) -> None:
            if result is not None:
                self._in_thread(self.subscribe, *result)

        from tui_reader.ui.organise import AddFeedScreen  # a dialog: not at the launch

        self.app.push_screen(AddFeedScreen(), subscribe)

    def subscribe(self, found: FoundFeed, tags: tuple[str, ...]) -> None:
        """Append the feed to the config, add it to the store with the items already
        fetched, apply the rules, and show it (in a thread)."""
        from tui_reader.config import ConfigError, add_feeds, load_config, normalize_url
        from tui_reader.refresh import utc_now_iso
        from tui_reader.rules import apply_to_new

        path = self.app.config.path
        assert path is not None
        try:
            added, _skipped = add_feeds(path, [FeedConfig(found.title, found.url, tags)])
            config = load_config(path)
        except (ConfigError, OSError) as error:
            self._fail(str(error).splitlines()[0])
            return
        if not added:
            self._say(_("Already subscribed: {url}").format(url=found.url))
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
        self._say(_("Subscribed to {name}").format(name=feed.name))
        self.tell(ShowFeed(feed.name))

    def remove_prompt(self, name: str) -> None:
        """Ask, then unsubscribe from `name` (its bookmarks stay)."""
        if self.app.demo or self.app.config.path is None:
            self.app.notify(_("No config file to remove the feed from."), markup=False)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._in_thread(self.remove, name)

        question = _("Remove the feed {name}? Its bookmarked articles stay.").format(name=name)
        from tui_reader.ui.organise import ConfirmScreen  # a dialog: not at the launch

        self.app.push_screen(ConfirmScreen(question), answer)

    def remove(self, name: str) -> None:
        from tui_reader.config import ConfigError, load_config, remove_feed

        path = self.app.config.path
        assert path is not None
        try:
            removed = remove_feed(path, name)
            config = load_config(path)
        except KeyError:
            self._fail(_("No feed named {name} in the config").format(name=name))
            return
        except (ConfigError, OSError) as error:
            self._fail(str(error).splitlines()[0])
            return
        self.app.config = config
        self.app.store.sync_feeds(config.feeds)
        self._say(_("Removed {name}").format(name=removed.name))
        self.tell(FeedRemoved(removed.name))
