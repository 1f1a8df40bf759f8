"""The main screen: sidebar, headline list and reading pane.

It composes the widgets, holds what the list shows (`ui/filter.py`), and turns keys and
intents (`ui/messages.py`) into work: store reads in its own workers, and the jobs that outlive
it (refresh, sync, full text, pictures, links, subscriptions) on the App's services
(`ui/services/`), which answer with messages handled here with `@on`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from tui_reader.actions import key_map
from tui_reader.i18n import _, ngettext
from tui_reader.models import Article, ArticleQuery, ViewConfig
from tui_reader.ui import messages as m
from tui_reader.ui.bindings import action_bindings
from tui_reader.ui.commands import PaletteData, ReaderCommands
from tui_reader.ui.filter import (
    Filter,
    ListData,
    UnreadFound,
    count_totals,
    find_unread,
    list_data,
    search_of,
)
from tui_reader.ui.intents import handle_intent
from tui_reader.ui.reading import Reading, read_article
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.screens.search import SearchScreen
from tui_reader.ui.screens.tags import TagPicker
from tui_reader.ui.texts import article_text as article_text
from tui_reader.ui.texts import refresh_message as refresh_message
from tui_reader.ui.widgets.headline_list import HeadlineList
from tui_reader.ui.widgets.key_hints import KeyHints
from tui_reader.ui.widgets.reader_pane import ArticleBody, ReaderPane
from tui_reader.ui.widgets.sidebar import Sidebar, SidebarTotals
from tui_reader.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from tui_reader.images import ImageResult
    from tui_reader.models import FeedConfig
    from tui_reader.ui.app import ReaderApp


class MainScreen(Screen[None]):
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

    @property
    def refreshing(self) -> bool:
        """A refresh or a sync is running (the App's)."""
        return self.app.refresher.refreshing

    @property
    def pictures(self) -> dict[str, ImageResult]:
        """Loaded pictures by URL, most recent last (the App's)."""
        return self.app.pictures.loaded

    def on_mount(self) -> None:
        # The first page is read right here (a count and one page of the unfiltered list:
        # a few milliseconds at 50,000 rows) so that the very first frame shows headlines.
        self.show_list(list_data(self.app.store, self.filter, None, self.app.now()))
        self.load_totals()
        if self.app.config.accounts:
            refresher = self.app.refresher
            self.app.run_worker(
                refresher.show_account_states(), group="accounts", exit_on_error=False
            )

    def on_descendant_focus(self) -> None:
        # Narrow terminals give the article most of the screen while it has focus.
        self.set_class(self.reader.has_focus, "-reading")

    def on_descendant_blur(self) -> None:
        self.set_class(self.reader.has_focus, "-reading")

    # --- the list and the sidebar's counts (store reads in worker threads) -------------

    def reload(self, *, keep: Article | None = None, filter: Filter | None = None) -> None:
        """Recount and repaint for `filter` (default: the current one), keeping `keep` selected."""
        self.load_list(filter or self.filter, keep)

    def set_filter(self, filter: Filter) -> None:
        """Show another selection of articles, starting at the top."""
        self.reload(filter=filter)

    @work(thread=True, exclusive=True, group="reload", exit_on_error=False)
    def load_list(self, filter: Filter, keep: Article | None) -> None:
        data = list_data(self.app.store, filter, keep, self.app.now())
        if get_current_worker().is_cancelled:
            return
        # Headlines first: the sidebar's counts can follow a few milliseconds later.
        self.app.call_from_thread(self.show_list, data)
        totals = count_totals(self.app.store, self.app.config, self.app.now())
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_totals, totals)

    @work(thread=True, exclusive=True, group="totals", exit_on_error=False)
    def load_totals(self) -> None:
        """Recount the sidebar without touching the list."""
        totals = count_totals(self.app.store, self.app.config, self.app.now())
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_totals, totals)

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
        number = f"{data.total:,}".replace(",", " ")
        items = ngettext("{n} item", "{n} items", data.total).format(n=number)
        count = Content.styled(f"   {items}", "dim")
        self.query_one("#filter-bar", Static).update(
            Content.assemble(data.filter.describe(), count)
        )

    # --- intents (ui/messages.py) from the sidebar, the palette and the help screen ----

    @on(m.Intent)
    async def intent(self, event: m.Intent) -> None:
        await handle_intent(self, event)

    def open_bookmark(self, article: Article) -> None:
        """Show the bookmarks view with `article` selected and open in the pane."""
        self.reload(filter=Filter(view="bookmarks"), keep=article)
        self.open_article(article, focus=True)

    def remove_feed_prompt(self, name: str) -> None:
        self.app.subscriptions.remove_prompt(name)

    def save_search_as_view(self) -> None:
        self.app.subscriptions.save_search(search_of(self.filter))

    def palette_data(self) -> PaletteData:
        """What the palette lists (`PaletteSource`): this screen's counts and the config."""
        config, totals, store = self.app.config, self.totals, self.app.store
        counts = dict(totals.views) if totals is not None else {}
        return PaletteData(
            feeds=totals.feeds if totals is not None else (),
            tags=totals.tags if totals is not None else {},
            views=[(view, counts.get(view.name, 0)) for view in config.views],
            subscribed=[feed.name for feed in config.feeds],
            bookmarks=lambda: store.headlines(ArticleQuery(bookmarked=True), limit=200),
            keys=key_map(config.keys),
        )

    # --- news from the widgets and the App's services --------------------------------

    @on(HeadlineList.Selected)
    def headline_selected(self, event: HeadlineList.Selected) -> None:
        self.open_article(event.article, focus=True)

    @on(Sidebar.OptionHighlighted)
    def sidebar_highlighted(self, event: Sidebar.OptionHighlighted) -> None:
        option_id = event.option.id or ""
        if option_id.startswith("account:"):
            self.set_status(self.app.refresher.account_lines.get(option_id[8:], ""))
        elif option_id.startswith("feed:"):
            name = self.sidebar.feed_names.get(option_id[5:], "")
            reason = self.sidebar.feed_errors.get(name)
            self.set_status(f"⚠ {name}: {reason}" if reason else "")

    def on_article_body_link_clicked(self, event: ArticleBody.LinkClicked) -> None:
        event.stop()
        self.app.links.open(event.href)

    @on(ArticleBody.WidthChanged)
    def body_width_changed(self, event: ArticleBody.WidthChanged) -> None:
        # The body was rendered for a width: rewrap when the pane's width changes (resize,
        # narrow/wide layout, the pane appearing).
        if self.reader.article is not None:
            self.load_article(self.reader.article.id, event.width, keep_scroll=True)

    @on(m.StatusText)
    def set_status(self, event: m.StatusText | str) -> None:
        self.query_one(StatusLine).text = event if isinstance(event, str) else event.text

    @on(m.AccountStates)
    def account_states(self, event: m.AccountStates) -> None:
        self.set_status(" · ".join(event.lines.values()))

    @on(m.ArticlesChanged)
    def articles_changed(self) -> None:
        self.reload(keep=self.headlines.current)

    @on(m.FullTextArrived)
    @on(m.PicturesLoaded)
    def article_changed(self, event: m.FullTextArrived | m.PicturesLoaded) -> None:
        """Re-show the article if it is the one on screen (its text or pictures changed)."""
        if self.reader.article is not None and self.reader.article.id == event.article_id:
            keep = isinstance(event, m.PicturesLoaded)
            self.load_article(event.article_id, self.reader.body_width(), keep_scroll=keep)

    @on(m.FeedRemoved)
    def feed_removed(self, event: m.FeedRemoved) -> None:
        filter = self.filter
        if filter.feed is not None and filter.feed.casefold() == event.name.casefold():
            filter = replace(filter, feed=None)
        self.set_filter(filter)

    # --- opening articles ------------------------------------------------------------

    def open_article(self, article: Article, *, focus: bool = False) -> None:
        """Load the article off the loop, mark it read, render it there too, then show it."""
        # While no article is open the pane is hidden: it will be as wide as the list.
        self.load_article(article.id, self.reader.body_width(self.headlines.size.width - 3))
        if focus:
            self.reader.focus()

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self, article_id: int, width: int, keep_scroll: bool = False) -> None:
        app, worker = self.app, get_current_worker()
        images = app.config.settings.images
        reading = read_article(app.store, article_id, width, app.pictures.loaded, images)
        if reading is None or worker.is_cancelled:
            return
        app.call_from_thread(self.show_article, reading, width, keep_scroll)
        if reading.marked:  # the sidebar's unread counts follow at once, not at the next reload
            app.call_from_thread(self.load_totals)
        if missing := app.pictures.missing(reading.pictures):
            app.call_from_thread(app.pictures.load, article_id, missing)

    def show_article(self, reading: Reading, width: int, keep_scroll: bool) -> None:
        """Put a loaded, rendered article in the reading pane."""
        self.remove_class("-no-article")  # the pane comes back (the list had the room)
        self.headlines.update_article(reading.article.id, read=True)
        self.reader.show_article(
            reading.article, reading.note, reading.lines, width, keep_scroll=keep_scroll
        )

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
        if self.reader.has_focus and self.headlines.current is not None:
            self.open_article(self.headlines.current)

    def action_next_item(self) -> None:
        self._move(+1)

    def action_previous_item(self) -> None:
        self._move(-1)

    def action_open(self) -> None:
        if self.sidebar.has_focus:
            self.sidebar.action_select()
        elif self.headlines.current is not None:
            self.open_article(self.headlines.current, focus=True)

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
        app = self.app
        found = find_unread(app.store, self.filter, self.query_now, current, forward, app.now())
        if found is None:
            message = _("No more unread articles here.")
            app.call_from_thread(self.notify, message, markup=False, timeout=3)
        else:
            app.call_from_thread(self._jump_to, found)

    def _jump_to(self, found: UnreadFound) -> None:
        if found.filter is not None:
            self.reload(filter=found.filter, keep=found.article)
        else:
            self.headlines.cursor = found.index
        self.open_article(found.article, focus=True)

    # --- actions: state ----------------------------------------------------------------

    def action_bookmark(self) -> None:
        article = self.current_article()
        if article is None:
            return
        bookmarked = not self._fresh(article).bookmarked
        # Written before the key returns: a bookmark must survive a crash a moment later.
        if self.app.state.write(self.app.store.set_bookmarked, article.id, bookmarked):
            self._patch(article, bookmarked=bookmarked)
            message = _("Bookmarked") if bookmarked else _("Bookmark removed")
            self.notify(message, markup=False, timeout=2)
            self.load_totals()

    def action_toggle_read(self) -> None:
        article = self.current_article()
        if article is None:
            return
        read = not self._fresh(article).read
        if self.app.state.write(self.app.store.set_read, [article.id], read):
            self._patch(article, read=read)
            self.load_totals()

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

    def action_mark_all_read(self) -> None:
        self.app.state.mark_all_read(self.query_now)

    def action_undo(self) -> None:
        if self.app.state.undo():
            self.reload(keep=self.headlines.current)

    # --- actions: what the list shows ----------------------------------------------------

    def action_show_bookmarks(self) -> None:
        self.set_filter(Filter(view="bookmarks"))

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

    def go_to_view(self, view: ViewConfig) -> None:
        """Show a saved view: its query alone (tags, feed and search cleared)."""
        hidden = self.filter.show_hidden
        self.set_filter(Filter(saved=view.name, saved_query=view.query, show_hidden=hidden))

    def action_toggle_hidden(self) -> None:
        shown = not self.filter.show_hidden
        self.set_filter(replace(self.filter, show_hidden=shown))
        message = (
            _("Items hidden by rules are shown") if shown else _("Items hidden by rules are hidden")
        )
        self.notify(message, markup=False, timeout=2)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(key_map(self.app.config.keys)))

    # --- actions handed to the App's services ------------------------------------------

    def action_add_feed(self) -> None:
        self.app.subscriptions.add_feed()

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
        self.app.full_texts.fetch(article.id)

    def action_open_link(self) -> None:
        article = self.current_article()
        if article is not None and article.link:
            self.open_url(article.link)

    def open_url(self, url: str) -> None:
        self.app.links.open(url)

    def action_copy_link(self) -> None:
        self.app.links.copy_link(getattr(self.current_article(), "link", ""))

    def action_link_list(self) -> None:
        """`L`: the article's links, numbered, its own link first."""
        if (article := self.current_article()) is not None:
            self.app.links.list_links(article.id)

    def action_refresh_feed(self) -> None:
        name = self.filter.feed
        if name is None and (article := self.current_article()) is not None:
            name = article.feed
        feeds = [feed for feed in self.app.config.feeds if feed.name == name]
        account = self.account_of_feed(name)
        if not feeds and account is not None:
            self.app.refresher.sync_one(account)  # an account's feed: its server has it
        elif not feeds:
            self.notify(_("No feed selected."), markup=False, timeout=3)
        else:
            self.run_refresh(feeds)

    def account_of_feed(self, name: str | None) -> str | None:
        """The sync account a feed (by name) comes from, per the sidebar's counts."""
        if name is None or self.totals is None:
            return None
        return next((f.account for f in self.totals.feeds if f.name == name and f.account), None)

    def action_refresh_all(self) -> None:
        self.run_refresh(list(self.app.config.feeds), sync=True)

    def run_refresh(self, feeds: list[FeedConfig], sync: bool = False) -> None:
        self.app.refresher.refresh(feeds, sync=sync)
