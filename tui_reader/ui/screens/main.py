"""The main screen: sidebar, headline list and reading pane.

It composes the widgets, holds what the list shows (`ui/filter.py`), and turns keys and
intents (`ui/messages.py`) into work: store reads in its own workers, and the jobs that outlive
it (refresh, sync, full text, pictures, links, subscriptions) on the App's services
(`ui/services/`), which answer with messages handled here with `@on`. The reading pane is driven
by `ui/reading.py`; the key actions are the functions of `ui/navigation.py` (moving) and
`ui/screen_actions.py` (state, filters, services).
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
from tui_reader.ui import navigation, reading
from tui_reader.ui import screen_actions as actions
from tui_reader.ui.bindings import action_bindings
from tui_reader.ui.breakpoints import width_classes
from tui_reader.ui.filter import Filter, ListData, count_totals, list_data
from tui_reader.ui.intents import handle_intent
from tui_reader.ui.texts import article_text as article_text
from tui_reader.ui.texts import refresh_message as refresh_message
from tui_reader.ui.widgets.headline_list import HeadlineList
from tui_reader.ui.widgets.key_hints import KeyHints
from tui_reader.ui.widgets.reader_pane import ArticleBody, ReaderPane
from tui_reader.ui.widgets.sidebar import Sidebar, SidebarTotals
from tui_reader.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from textual.command import Provider

    from tui_reader.models import FeedConfig
    from tui_reader.ui.app import ReaderApp
    from tui_reader.ui.commands import PaletteData


def reader_commands() -> type[Provider]:
    """The palette's commands, imported when the palette first opens, not at the launch."""
    from tui_reader.ui.commands import ReaderCommands

    return ReaderCommands


class MainScreen(Screen[None]):
    """The reader."""

    BINDINGS = action_bindings()
    COMMANDS = {reader_commands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#headlines"

    app: ReaderApp

    def __init__(self) -> None:
        super().__init__()
        self.filter = Filter()
        self.query_now = ArticleQuery()
        self.totals: SidebarTotals | None = None

    def compose(self) -> ComposeResult:
        self.update_classes(width_classes(self.HORIZONTAL_BREAKPOINTS, self.app.size.width))
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="content", classes="-no-article"):
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
        """A refresh or a sync is running (the App's; `bench/ui.py` reads it here)."""
        return self.app.refresher.refreshing

    def run_refresh(self, feeds: list[FeedConfig], sync: bool = False) -> None:
        self.app.refresher.refresh(feeds, sync=sync)

    def on_mount(self) -> None:
        # The first page is read right here (a count and one page of the unfiltered list:
        # a few milliseconds at 50,000 rows) so that the very first frame shows headlines.
        self.show_list(list_data(self.app.store, self.filter, None, self.app.now()))
        # The sidebar's counts after the first frame: headlines are what a launch waits for.
        self.call_after_refresh(self.load_totals)
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
        """Show another selection of articles, starting at the top. The sidebar's counts
        stay: they do not depend on the filter (30-45 ms of queries at 50,000 articles)."""
        self.load_list(filter, None, recount=False)

    @work(thread=True, exclusive=True, group="reload", exit_on_error=False)
    def load_list(self, filter: Filter, keep: Article | None, *, recount: bool = True) -> None:
        data = list_data(self.app.store, filter, keep, self.app.now())
        if get_current_worker().is_cancelled:
            return
        # Headlines first: the sidebar's counts can follow a few milliseconds later.
        self.app.call_from_thread(self.show_list, data)
        if not recount:
            return
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
        reading.open_article(self, article, focus=True)

    def go_to_view(self, view: ViewConfig) -> None:
        """Show a saved view: its query alone (tags, feed and search cleared). Recounts:
        the view may be new (just saved), and its count may hang on the time (`@7d`)."""
        hidden = self.filter.show_hidden
        self.reload(filter=Filter(saved=view.name, saved_query=view.query, show_hidden=hidden))

    def open_article(self, article: Article, *, focus: bool = False) -> None:
        reading.open_article(self, article, focus=focus)

    def palette_data(self) -> PaletteData:
        """What the palette lists (`PaletteSource`): this screen's counts and the config."""
        from tui_reader.ui.commands import PaletteData

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
        reading.open_article(self, event.article, focus=True)

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
            reading.load_article(self, self.reader.article.id, event.width, keep_scroll=True)

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
        reading.reshow(self, event.article_id, keep_scroll=isinstance(event, m.PicturesLoaded))

    @on(m.FeedRemoved)
    def feed_removed(self, event: m.FeedRemoved) -> None:
        filter = self.filter
        if filter.feed is not None and filter.feed.casefold() == event.name.casefold():
            filter = replace(filter, feed=None)
        self.reload(filter=filter)  # and recount: the feed's articles are gone

    # --- actions: the moving ones in ui/navigation.py, the others in ui/screen_actions.py --

    action_next_item = navigation.next_item
    action_previous_item = navigation.previous_item
    action_open = navigation.open_current
    action_back = navigation.back
    action_scroll_down = navigation.scroll_down
    action_scroll_up = navigation.scroll_up
    action_next_unread = navigation.next_unread
    action_previous_unread = navigation.previous_unread
    action_bookmark = actions.bookmark
    action_toggle_read = actions.toggle_read
    action_mark_all_read = actions.mark_all_read
    action_undo = actions.undo
    action_show_bookmarks = actions.show_bookmarks
    action_tag_filter = actions.tag_filter
    action_clear_tags = actions.clear_tags
    action_search = actions.search
    action_toggle_hidden = actions.toggle_hidden
    action_help = actions.help
    action_add_feed = actions.add_feed
    action_fetch_full = actions.fetch_full
    action_open_link = actions.open_link
    action_copy_link = actions.copy_link
    action_link_list = actions.link_list
    action_refresh_feed = actions.refresh_feed
    action_refresh_all = actions.refresh_all
