"""The main screen: sidebar, headline list and reading pane, and every reader action.

Widgets draw and report; this screen owns the filter state, starts workers that talk to
the store, and hands results back down as attributes.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from types import ModuleType
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from tui_reader.actions import ACTIONS, key_map
from tui_reader.i18n import _, ngettext
from tui_reader.models import Article, ArticleQuery, Cursor, FeedConfig, FeedResult
from tui_reader.store import StoreError
from tui_reader.ui.bindings import action_bindings
from tui_reader.ui.commands import PaletteData, ReaderCommands
from tui_reader.ui.filter import Filter, ListData, count_totals, list_data
from tui_reader.ui.messages import (
    Intent,
    OpenBookmark,
    RemoveFeed,
    RunAction,
    SaveSearchAsView,
    ShowFeed,
    ShowSavedView,
    ShowTag,
    ShowView,
)
from tui_reader.ui.organise import OrganiseActions
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.screens.search import SearchScreen
from tui_reader.ui.screens.tags import TagPicker
from tui_reader.ui.widgets.headline_list import HeadlineList
from tui_reader.ui.widgets.key_hints import KeyHints
from tui_reader.ui.widgets.reader_pane import ArticleBody, ReaderPane, render_article
from tui_reader.ui.widgets.sidebar import Sidebar, SidebarTotals
from tui_reader.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from textual.strip import Strip

    from tui_reader.footnotes import NumberedLink
    from tui_reader.images import ImageFetcher, ImageResult
    from tui_reader.ui.app import ReaderApp

MAX_PICTURES = 12
"""Pictures loaded per article (the first ones: the rest show their alt text)."""
MAX_PICTURES_KEPT = 48
"""Decoded pictures kept in memory (also on disk, in the image cache)."""

CONSOLE_BROWSERS = frozenset({"w3m", "lynx", "links", "links2", "elinks", "browsh", "carbonyl"})


class MainScreen(OrganiseActions, Screen[None]):
    """The reader."""

    BINDINGS = action_bindings()
    COMMANDS = {ReaderCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#headlines"

    app: ReaderApp

    def __init__(self) -> None:
        super().__init__(classes="-no-article")
        self.filter = Filter()
        self.query_now = ArticleQuery()
        self.totals: SidebarTotals | None = None
        self.undo_read: list[int] = []
        self.refreshing = False
        self.pictures: dict[str, ImageResult] = {}  # loaded pictures by URL, most recent last
        self.account_lines: dict[str, str] = {}  # sync account → its status line

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="content"):
                yield Static(self.filter.describe(), id="filter-bar", markup=False)
                yield HeadlineList(id="headlines")
                yield ReaderPane(id="reader")
        yield StatusLine(id="status")
        yield KeyHints(key_map(self.app.config.keys), id="key-hints")

    @property
    def headlines(self) -> HeadlineList:
        return self.query_one(HeadlineList)

    @property
    def reader(self) -> ReaderPane:
        return self.query_one(ReaderPane)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    def on_mount(self) -> None:
        # The first page is read right here (a count and one page of the unfiltered list:
        # a few milliseconds at 50,000 rows) so that the very first frame shows headlines.
        self.show_list(self.list_data(self.filter, None))
        self.load_totals()
        if self.app.config.accounts:
            self.run_worker(self.show_account_states(), group="accounts", exit_on_error=False)

    def on_descendant_focus(self) -> None:
        # Narrow terminals give the article most of the screen while it has focus.
        self.set_class(self.reader.has_focus, "-reading")

    def on_descendant_blur(self) -> None:
        self.set_class(self.reader.has_focus, "-reading")

    # --- loading the list ------------------------------------------------------------

    def reload(self, *, keep: Article | None = None, filter: Filter | None = None) -> None:
        """Recount and repaint for `filter` (default: the current one), keeping `keep` selected."""
        self.load_list(filter or self.filter, keep)

    def list_data(self, filter: Filter, keep: Article | None) -> ListData:
        """Count the rows of `filter` and read the page holding `keep` (or the first)."""
        return list_data(self.app.store, filter, keep, self.app.now())

    @work(thread=True, exclusive=True, group="reload", exit_on_error=False)
    def load_list(self, filter: Filter, keep: Article | None) -> None:
        data = self.list_data(filter, keep)
        if get_current_worker().is_cancelled:
            return
        # Headlines first: the sidebar's counts can follow a few milliseconds later.
        self.app.call_from_thread(self.show_list, data)
        totals = self.count_totals()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_totals, totals)

    def count_totals(self) -> SidebarTotals:
        """Everything the sidebar shows (runs in a worker thread)."""
        return count_totals(self.app.store, self.app.config, self.app.now())

    def show_totals(self, totals: SidebarTotals) -> None:
        """Hand fresh counts to the sidebar."""
        self.totals = totals
        self.sidebar.show_totals(totals)

    def show_list(self, data: ListData) -> None:
        """Apply a finished reload to the widgets."""
        self.filter = data.filter
        self.query_now = data.query
        self.headlines.empty_text = (
            _("No articles match")
            if data.filter != Filter()
            else _("No articles yet: press R to refresh")
        )
        self.headlines.set_source(
            partial(self.app.store.headline_page_at, data.query, total=data.total),
            data.total,
            cursor=data.cursor,
            first_page=data.first_page,
            first_page_offset=data.first_page_offset,
        )
        bar = data.filter.describe()
        number = f"{data.total:,}".replace(",", " ")
        items = ngettext("{n} item", "{n} items", data.total).format(n=number)
        count = Content.styled(f"   {items}", "dim")
        self.query_one("#filter-bar", Static).update(Content.assemble(bar, count))

    def set_filter(self, filter: Filter) -> None:
        """Show another selection of articles, starting at the top."""
        self.reload(filter=filter)

    # --- messages from widgets -------------------------------------------------------

    @on(HeadlineList.Selected)
    def headline_selected(self, event: HeadlineList.Selected) -> None:
        self.open_article(event.article)
        self.reader.focus()

    # --- intents (ui/messages.py) from the sidebar, the palette and the help screen ----

    def _intent_done(self, event: Intent) -> None:
        """After a choice in the sidebar, the list has the focus (as `enter` there did)."""
        if event.control is self.sidebar:
            self.headlines.focus()

    @on(ShowView)
    def intent_show_view(self, event: ShowView) -> None:
        self.set_filter(replace(self.filter, view=event.view, feed=None, saved="", saved_query=""))
        self._intent_done(event)

    @on(ShowTag)
    def intent_show_tag(self, event: ShowTag) -> None:
        self.set_filter(
            replace(self.filter, tags=(event.tag,), feed=None, saved="", saved_query="")
        )
        self._intent_done(event)

    @on(ShowFeed)
    def intent_show_feed(self, event: ShowFeed) -> None:
        self.go_to_feed(event.name)
        self._intent_done(event)

    @on(ShowSavedView)
    def intent_show_saved_view(self, event: ShowSavedView) -> None:
        for saved in self.app.config.views:
            if saved.name == event.name:
                self.go_to_view(saved)
        self._intent_done(event)

    @on(OpenBookmark)
    def intent_open_bookmark(self, event: OpenBookmark) -> None:
        self.open_bookmark(event.article)

    @on(RemoveFeed)
    def intent_remove_feed(self, event: RemoveFeed) -> None:
        self.remove_feed_prompt(event.name)

    @on(SaveSearchAsView)
    def intent_save_search_as_view(self) -> None:
        self.save_search_as_view()

    @on(RunAction)
    async def intent_run_action(self, event: RunAction) -> None:
        for action in ACTIONS:
            if action.id == event.action_id:
                await self.run_action(action.target)

    def palette_data(self) -> PaletteData:
        """What the palette lists (`PaletteSource`): this screen's counts and the config."""
        config = self.app.config
        totals = self.totals
        counts = dict(totals.views) if totals is not None else {}
        store = self.app.store
        return PaletteData(
            feeds=totals.feeds if totals is not None else (),
            tags=totals.tags if totals is not None else {},
            views=[(view, counts.get(view.name, 0)) for view in config.views],
            subscribed=[feed.name for feed in config.feeds],
            bookmarks=lambda: store.headlines(ArticleQuery(bookmarked=True), limit=200),
            keys=key_map(config.keys),
        )

    @on(Sidebar.OptionHighlighted)
    def sidebar_highlighted(self, event: Sidebar.OptionHighlighted) -> None:
        option_id = event.option.id or ""
        if option_id.startswith("account:"):
            self.set_status(self.account_lines.get(option_id[8:], ""))
        elif option_id.startswith("feed:"):
            name = self.sidebar.feed_names.get(option_id[5:], "")
            reason = self.sidebar.feed_errors.get(name)
            self.set_status(f"⚠ {name}: {reason}" if reason else "")

    def on_article_body_link_clicked(self, event: ArticleBody.LinkClicked) -> None:
        event.stop()
        self.open_url(event.href)

    # --- opening articles ------------------------------------------------------------

    def open_article(self, article: Article) -> None:
        """Load the article off the loop, mark it read, render it there too, then show it."""
        # While no article is open the pane is hidden: it will be as wide as the list.
        self.load_article(article.id, self.reader.body_width(self.headlines.size.width - 3))

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self, article_id: int, width: int, keep_scroll: bool = False) -> None:
        store = self.app.store
        worker = get_current_worker()
        article = store.get_article(article_id)
        if article is None or worker.is_cancelled:
            return
        marked = False
        if not article.read:
            store.set_read([article.id], True)
            article = replace(article, read=True)
            marked = True
        text, note = article_text(article)
        mode = self.app.config.settings.images
        lines = render_article(text, width, self.pictures, images=mode)
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self.show_article, article, note, lines, width, keep_scroll)
        if marked:
            # The sidebar's unread counts follow at once, not at the next reload.
            self.app.call_from_thread(self.load_totals)
        if mode != "off":
            from tui_reader.images import find_images

            missing = [ref.url for ref in find_images(text) if ref.url not in self.pictures]
            if missing:
                self.app.call_from_thread(self.load_pictures, article.id, missing[:MAX_PICTURES])

    def show_article(
        self, article: Article, note: str, lines: list[Strip], width: int, keep_scroll: bool
    ) -> None:
        """Put a loaded, rendered article in the reading pane."""
        self.remove_class("-no-article")  # the pane comes back (the list had the room)
        self.headlines.update_article(article.id, read=True)
        self.reader.show_article(article, note, lines, width, keep_scroll=keep_scroll)

    def make_image_fetcher(self) -> AbstractAsyncContextManager[ImageFetcher]:
        """The fetcher for pictures: the demo's own, else one bounded to MAX_IMAGE_BYTES."""
        if self.app.demo:
            return self.app.make_fetcher()  # type: ignore[return-value]
        from tui_reader.fetch import Fetcher
        from tui_reader.images import MAX_IMAGE_BYTES

        timeout = self.app.config.settings.timeout
        return Fetcher(concurrency=4, per_host=2, timeout=timeout, max_bytes=MAX_IMAGE_BYTES)

    @work(group="pictures", exclusive=True, exit_on_error=False)
    async def load_pictures(self, article_id: int, urls: list[str]) -> None:
        """Download, decode and cache an article's pictures, then draw the article again."""
        images = await import_off_loop("tui_reader.images")
        cache = images.ImageCache(self.app.store.path.parent / "images")
        async with self.make_image_fetcher() as fetcher:
            results = await asyncio.gather(
                *(images.load_image(fetcher, url, cache) for url in urls)
            )
        for result in results:
            self.pictures.pop(result.url, None)
            self.pictures[result.url] = result
        while len(self.pictures) > MAX_PICTURES_KEPT:
            del self.pictures[next(iter(self.pictures))]
        if self.reader.article is not None and self.reader.article.id == article_id:
            self.load_article(article_id, self.reader.body_width(), keep_scroll=True)

    @on(ArticleBody.WidthChanged)
    def body_width_changed(self, event: ArticleBody.WidthChanged) -> None:
        # The body was rendered for a width: rewrap when the pane's width changes (resize,
        # narrow/wide layout, the pane appearing).
        article = self.reader.article
        if article is not None:
            self.load_article(article.id, event.width, keep_scroll=True)

    def current_article(self) -> Article | None:
        """The article the user is acting on: the one being read when the pane has focus."""
        if self.reader.has_focus and self.reader.article is not None:
            return self.reader.article
        return self.headlines.current

    # --- actions: moving ---------------------------------------------------------------

    def _move(self, delta: int) -> None:
        if self.sidebar.has_focus:
            if delta > 0:
                self.sidebar.action_cursor_down()
            else:
                self.sidebar.action_cursor_up()
            return
        self.headlines.move_cursor(delta)
        if self.reader.has_focus:
            article = self.headlines.current
            if article is not None:
                self.open_article(article)

    def action_next_item(self) -> None:
        self._move(+1)

    def action_previous_item(self) -> None:
        self._move(-1)

    def action_open(self) -> None:
        if self.sidebar.has_focus:
            self.sidebar.action_select()
            return
        article = self.headlines.current
        if article is not None:
            self.open_article(article)
            self.reader.focus()

    def action_back(self) -> None:
        if self.reader.has_focus or self.sidebar.has_focus:
            self.headlines.focus()
        elif self.filter.search:
            self.set_filter(replace(self.filter, search=""))

    def action_scroll_down(self) -> None:
        if self.headlines.has_focus:
            self.headlines.move_cursor(self.headlines.page_size())
        else:
            self.reader.scroll_body(+1)

    def action_scroll_up(self) -> None:
        if self.headlines.has_focus:
            self.headlines.move_cursor(-self.headlines.page_size())
        else:
            self.reader.scroll_body(-1)

    def action_next_unread(self) -> None:
        self.jump_unread(self.headlines.current, forward=True)

    def action_previous_unread(self) -> None:
        self.jump_unread(self.headlines.current, forward=False)

    @work(thread=True, exclusive=True, group="jump", exit_on_error=False)
    def jump_unread(self, current: Article | None, forward: bool) -> None:
        store = self.app.store
        query = self.query_now
        after = Cursor(current.published, current.id) if current else None
        if forward:
            found = store.next_unread(query, after)
        else:
            found = store.previous_unread(query, after) if after else None
        if found is not None:
            index = store.position(query, Cursor(found.published, found.id))
            self.app.call_from_thread(self._jump_to, index, found)
            return
        if forward and self.filter.feed is not None:
            # Like newsboat: past a feed's last unread item, go on to the next feed with some.
            names = [feed.name for feed in store.feed_counts() if feed.unread]
            names += [self.filter.feed] if self.filter.feed not in names else []
            names.sort(key=str.casefold)
            start = names.index(self.filter.feed)
            for name in names[start + 1 :] + names[:start]:
                target = replace(self.filter, feed=name)
                found = store.next_unread(target.query(self.app.now()), None)
                if found is not None:
                    self.app.call_from_thread(self._jump_to_feed, target, found)
                    return
        self.app.call_from_thread(
            self.notify, _("No more unread articles here."), markup=False, timeout=3
        )

    def _jump_to_feed(self, target: Filter, article: Article) -> None:
        self.reload(filter=target, keep=article)
        self.open_article(article)
        self.reader.focus()

    def _jump_to(self, index: int, article: Article) -> None:
        self.headlines.cursor = index
        self.open_article(article)
        self.reader.focus()

    # --- actions: state ----------------------------------------------------------------

    def action_bookmark(self) -> None:
        article = self.current_article()
        if article is None:
            return
        bookmarked = not self._fresh(article).bookmarked
        # Written before the key returns: a bookmark must survive a crash a moment later.
        if not self.write_state(self.app.store.set_bookmarked, article.id, bookmarked):
            return
        self._patch(article, bookmarked=bookmarked)
        self.notify(
            _("Bookmarked") if bookmarked else _("Bookmark removed"), markup=False, timeout=2
        )
        self.load_totals()

    def action_toggle_read(self) -> None:
        article = self.current_article()
        if article is None:
            return
        read = not self._fresh(article).read
        if not self.write_state(self.app.store.set_read, [article.id], read):
            return
        self._patch(article, read=read)
        self.load_totals()

    def write_state(self, write: Callable[..., None], *args: object) -> bool:
        """Run a small state write now; a database problem becomes a one-line notification."""
        try:
            write(*args)
        except StoreError as error:
            self.notify(str(error), title=_("Not saved"), severity="error", markup=False)
            return False
        return True

    def _fresh(self, article: Article) -> Article:
        """The latest known state of `article` (the list row may be newer than the pane's copy)."""
        if self.reader.article is not None and self.reader.article.id == article.id:
            return self.reader.article
        return article

    def _patch(self, article: Article, **changes: bool) -> None:
        self.headlines.update_article(article.id, **changes)
        if self.reader.article is not None and self.reader.article.id == article.id:
            updated = replace(self.reader.article, **changes)
            self.reader.update_note(updated, article_text(updated)[1])

    @work(thread=True, exclusive=True, group="totals", exit_on_error=False)
    def load_totals(self) -> None:
        """Recount the sidebar without touching the list."""
        totals = self.count_totals()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_totals, totals)

    def action_mark_all_read(self) -> None:
        self.mark_all_read(self.query_now)

    @work(thread=True, exclusive=True, group="mark", exit_on_error=False)
    def mark_all_read(self, query: ArticleQuery) -> None:
        changed = self.app.store.mark_all_read(query)
        self.undo_read = changed
        self.app.call_from_thread(
            self.notify,
            ngettext(
                "Marked {n} article as read. Press u to undo.",
                "Marked {n} articles as read. Press u to undo.",
                len(changed),
            ).format(n=len(changed)),
            markup=False,
        )
        self.app.call_from_thread(self.reload, keep=self.headlines.current)

    def action_undo(self) -> None:
        if not self.undo_read:
            self.notify(_("Nothing to undo."), markup=False, timeout=2)
            return
        ids = self.undo_read
        if not self.write_state(self.app.store.set_read, ids, False):
            return
        self.undo_read = []
        self.notify(
            ngettext(
                "{n} article marked unread again.", "{n} articles marked unread again.", len(ids)
            ).format(n=len(ids)),
            markup=False,
            timeout=3,
        )
        self.reload(keep=self.headlines.current)

    def open_bookmark(self, article: Article) -> None:
        """Show the bookmarks view with `article` selected and open in the pane."""
        self.reload(filter=Filter(view="bookmarks"), keep=article)
        self.open_article(article)
        self.reader.focus()

    def action_show_bookmarks(self) -> None:
        self.set_filter(Filter(view="bookmarks"))

    # --- actions: filters --------------------------------------------------------------

    def action_tag_filter(self) -> None:
        tags = sorted(self.totals.tags) if self.totals else []
        if not tags:
            self.notify(_("No tags: add `tags = [...]` to feeds in the config."), markup=False)
            return
        base = replace(self.filter, tags=())

        def count_tags(selected: tuple[str, ...]) -> dict[str, int]:
            return self.app.store.tag_counts(replace(base, tags=selected).query(self.app.now()))

        def apply(selected: tuple[str, ...]) -> None:
            self.set_filter(replace(self.filter, tags=selected))

        self.app.push_screen(TagPicker(tags, self.filter.tags, count_tags, apply))

    def action_clear_tags(self) -> None:
        self.set_filter(replace(self.filter, tags=()))

    def action_search(self) -> None:
        def apply(text: str | None) -> None:
            if text is not None:
                self.set_filter(replace(self.filter, search=text))

        self.app.push_screen(SearchScreen(self.filter.search), apply)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(key_map(self.app.config.keys)))

    # --- full articles -----------------------------------------------------------------

    def action_fetch_full(self) -> None:
        article = self.current_article()
        if article is None:
            return
        if not article.link:
            self.notify(_("This article has no link to fetch."), markup=False, severity="warning")
            return
        if self.reader.article is not None and self.reader.article.id == article.id:
            self.reader.update_note(self.reader.article, _("fetching the full article…"))
        self.set_status(_("Fetching the full article: {title}").format(title=article.title))
        self.fetch_full(article.id)

    @work(group="fulltext", exit_on_error=False)
    async def fetch_full(self, article_id: int) -> None:
        fetch_full_text = (await import_off_loop("tui_reader.fulltext")).fetch_full_text

        try:
            async with self.app.make_fetcher() as fetcher:
                result = await fetch_full_text(fetcher, self.app.store, article_id)
        finally:
            self.set_status("")
        if result.ok:
            self.notify(_("Full article fetched."), markup=False, timeout=2)
        else:
            self.notify(
                _("Full article failed: {error}; showing the feed's text.").format(
                    error=result.error
                ),
                markup=False,
                severity="warning",
            )
        self.full_text_arrived(article_id)

    def full_text_arrived(self, article_id: int) -> None:
        """Re-show the article if it is the one on screen (its text or note changed)."""
        if self.reader.article is not None and self.reader.article.id == article_id:
            self.load_article(article_id, self.reader.body_width())

    @work(group="auto-fulltext", exclusive=True, exit_on_error=False)
    async def fill_full_texts(self) -> None:
        """After a refresh: full text for summary-only items, newest first, a few at a time."""
        fill_full_texts = (await import_off_loop("tui_reader.fulltext")).fill_full_texts

        async with self.app.make_fetcher() as fetcher:
            await fill_full_texts(
                self.app.config,
                self.app.store,
                fetcher,
                on_result=lambda result: self.full_text_arrived(result.article_id),
            )

    # --- actions: links --------------------------------------------------------------

    def action_open_link(self) -> None:
        article = self.current_article()
        if article is not None and article.link:
            self.open_url(article.link)

    def action_copy_link(self) -> None:
        from tui_reader.text import safe_link

        article = self.current_article()
        if article is None or not safe_link(article.link):
            self.notify(_("This article has no link."), markup=False, severity="warning")
            return
        self.app.copy_to_clipboard(article.link)
        self.notify(_("Copied {link}").format(link=article.link), markup=False, timeout=3)

    def action_link_list(self) -> None:
        """`L`: the article's links, numbered, its own link first."""
        article = self.current_article()
        if article is not None:
            self.load_links(article.id)

    @work(thread=True, exclusive=True, group="links", exit_on_error=False)
    def load_links(self, article_id: int) -> None:
        from tui_reader.footnotes import article_links

        article = self.app.store.get_article(article_id)
        if article is None:
            return
        links = article_links(article.link, article_text(article)[0])
        self.app.call_from_thread(self.show_links, links)

    def show_links(self, links: list[NumberedLink]) -> None:
        """Open the numbered list (`links` from `load_links`)."""
        from tui_reader.ui.screens.links import LinkList

        if not links:
            self.notify(_("This article has no links."), markup=False, timeout=3)
            return
        self.app.push_screen(LinkList(links, self.open_url, self.copy_url))

    def copy_url(self, url: str) -> None:
        """Put `url` on the clipboard and say so."""
        self.app.copy_to_clipboard(url)
        self.notify(_("Copied {url}").format(url=url), markup=False, timeout=3)

    def open_url(self, url: str) -> None:
        """Open http(s) links only; a console browser runs with the app suspended."""
        from tui_reader.text import safe_link

        link = safe_link(url)
        if not link:
            self.notify(
                _("Not opening a link that is not http(s)."), markup=False, severity="warning"
            )
            return
        browser = shlex.split(os.environ.get("BROWSER", ""))
        if browser and os.path.basename(browser[0]) in CONSOLE_BROWSERS:
            with self.terminal_handed_over():
                subprocess.run([*browser, link], check=False)
            return
        if not has_graphical_session():
            # Over SSH or on a console, Python's webbrowser falls back to a console browser
            # (lynx, w3m…): it must get the terminal, or find nothing at all.
            import webbrowser

            with self.terminal_handed_over():
                opened = webbrowser.open(link)
            if not opened:
                self.app.copy_to_clipboard(link)
                self.notify(
                    _("No browser found; link copied: {link}").format(link=link),
                    markup=False,
                    severity="warning",
                )
            return
        self.app.open_url(link)

    @contextmanager
    def terminal_handed_over(self) -> Iterator[None]:
        """Suspend the app while a program uses the terminal (where the driver can)."""
        try:
            with self.app.suspend():
                yield
        except SuspendNotSupported:
            yield

    # --- refreshing --------------------------------------------------------------------

    def action_refresh_feed(self) -> None:
        name = self.filter.feed
        if name is None:
            article = self.current_article()
            name = article.feed if article else None
        feeds = [feed for feed in self.app.config.feeds if feed.name == name]
        account = self.account_of_feed(name)
        if not feeds and account is not None:
            self.sync_one(account)  # an account's feed: its server has it, sync the account
            return
        if not feeds:
            self.notify(_("No feed selected."), markup=False, timeout=3)
            return
        self.run_refresh(feeds)

    def account_of_feed(self, name: str | None) -> str | None:
        """The sync account a feed (by name) comes from, per the sidebar's counts."""
        if name is None or self.totals is None:
            return None
        return next((f.account for f in self.totals.feeds if f.name == name and f.account), None)

    @work(group="refresh", exit_on_error=False)
    async def sync_one(self, account: str) -> None:
        if self.refreshing:
            self.notify("A refresh is already running.", markup=False, timeout=3)
            return
        await self.run_sync(only=account)

    def action_refresh_all(self) -> None:
        self.run_refresh(list(self.app.config.feeds), sync=True)

    def set_status(self, text: str) -> None:
        self.query_one(StatusLine).text = text

    @work(group="refresh", exit_on_error=False)
    async def run_refresh(self, feeds: list[FeedConfig], sync: bool = False) -> None:
        if self.refreshing:
            self.notify(_("A refresh is already running."), markup=False, timeout=3)
            return
        sync = sync and bool(self.app.config.accounts)
        if not feeds and not sync:
            return
        if not feeds:
            await self.run_sync()
            return
        self.refreshing = True
        new_items = 0

        def progress(result: FeedResult, done: int, total: int) -> None:
            nonlocal new_items
            new_items += result.new_items
            self.set_status(
                ngettext(
                    "Refreshing {done}/{total} feeds · {new} new",
                    "Refreshing {done}/{total} feeds · {new} new",
                    total,
                ).format(done=done, total=total, new=new_items)
            )

        self.set_status(
            ngettext(
                "Refreshing {done}/{total} feeds", "Refreshing {done}/{total} feeds", len(feeds)
            ).format(done=0, total=len(feeds))
        )
        refresh_all = (await import_off_loop("tui_reader.refresh")).refresh_all

        try:
            async with self.app.make_fetcher() as fetcher:
                summary = await refresh_all(
                    self.app.config, self.app.store, fetcher, feeds=feeds, on_result=progress
                )
        finally:
            self.refreshing = False
            self.set_status("")
        self.reload(keep=self.headlines.current)
        self.after_refresh(summary)
        if summary.new_items and not self.app.demo:
            self.fill_full_texts()
        self.notify(
            refresh_message(summary.results),
            markup=False,
            severity="warning" if summary.errors else "information",
        )
        if sync:
            await self.run_sync()

    # --- sync accounts -----------------------------------------------------------------

    async def run_sync(self, only: str | None = None) -> None:
        """Push, then pull every account, or the one named `only` (in the refresh worker;
        never blocks the loop)."""
        from tui_reader.i18n import _, ngettext

        if self.refreshing:
            return
        self.refreshing = True
        count = 1 if only else len(self.app.config.accounts)
        self.set_status(
            ngettext("Syncing {n} account…", "Syncing {n} accounts…", count).format(n=count)
        )
        engine = await import_off_loop("tui_reader.sync.engine")
        try:
            summary = await engine.sync_all(self.app.config, self.app.store, only=only)
        finally:
            self.refreshing = False
        self.reload(keep=self.headlines.current)
        self.after_refresh()  # hooks and notifications see the synced items too
        await self.show_account_states()
        failed = [result for result in summary.accounts if result.status == "error"]
        for result in failed:
            self.notify(
                _("{name}: sync failed: {error}").format(name=result.name, error=result.error),
                markup=False,
                severity="warning",
            )
        if any(result.new_items for result in summary.accounts) and not self.app.demo:
            self.fill_account_full_texts([r.name for r in summary.accounts if r.status == "ok"])

    async def show_account_states(self) -> None:
        """Read every account's sync state (off the loop) and put it on the status line."""
        localstate = await import_off_loop("tui_reader.sync.localstate")
        status = await import_off_loop("tui_reader.sync.status")
        states = await asyncio.to_thread(localstate.all_account_states, self.app.store)
        now = self.app.now()
        self.account_lines = {
            account.name: status.account_status_line(account.name, states.get(account.name), now)
            for account in self.app.config.accounts
        }
        self.set_status(" · ".join(self.account_lines.values()))

    @work(group="auto-fulltext-accounts", exclusive=True, exit_on_error=False)
    async def fill_account_full_texts(self, accounts: list[str]) -> None:
        """Automatic full text for the accounts' summary-only items, like a feed's."""
        fill_full_texts = (await import_off_loop("tui_reader.fulltext")).fill_full_texts
        localstate = await import_off_loop("tui_reader.sync.localstate")
        urls: list[str] = []
        for name in accounts:
            urls += await asyncio.to_thread(localstate.feed_urls_of, self.app.store, name)
        if not urls:
            return
        async with self.app.make_fetcher() as fetcher:
            await fill_full_texts(
                self.app.config,
                self.app.store,
                fetcher,
                feeds=[FeedConfig(name=url, url=url) for url in urls],
                on_result=lambda result: self.full_text_arrived(result.article_id),
            )

    def on_unmount(self) -> None:
        self.workers.cancel_all()


def has_graphical_session() -> bool:
    """Whether a GUI browser can open: macOS and Windows always, elsewhere with a display."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


async def import_off_loop(name: str) -> ModuleType:
    """Import a core module in a thread: the parser's imports (feedparser, lxml, trafilatura)
    take tens of milliseconds the first time, which the event loop must not wait for."""
    return await asyncio.to_thread(importlib.import_module, name)


def article_text(article: Article) -> tuple[str, str]:
    """The Markdown to show and the header note: which text it is and how long it reads."""
    from tui_reader.extract import reading_time_minutes  # lxml: not needed before first open

    if article.full_text:
        text, source = article.full_text, _("full article")
    elif article.body:
        text, source = article.body, ""
    else:
        text = article.summary or _("*(no text)*")
        source = _("summary only: press f for the full article")
        if article.full_text_error:
            source = _("summary only (full article failed: {error})").format(
                error=article.full_text_error
            )
    minutes = reading_time_minutes(text)
    reading = ngettext("{n} min read", "{n} min read", minutes).format(n=minutes)
    return text, " · ".join(part for part in (reading, source) if part)


def refresh_message(results: tuple[FeedResult, ...] | list[FeedResult]) -> str:
    """One line summing up a refresh, naming the failed feeds."""
    new_items = sum(r.new_items for r in results)
    failed = [r for r in results if r.status == "error"]
    line = ngettext(
        "Refreshed {n} feed: {new} new", "Refreshed {n} feeds: {new} new", len(results)
    ).format(n=len(results), new=new_items)
    if failed:
        names = ", ".join(f"{r.name} ({r.error})" for r in failed[:3])
        if len(failed) > 3:
            more = len(failed) - 3
            names += ngettext(" and {n} more", " and {n} more", more).format(n=more)
        line += _(", {n} failed: {names}").format(n=len(failed), names=names)
    return line
