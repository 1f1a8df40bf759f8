"""What the headline list shows: the `Filter` (view, feed, tags, search, saved view), the
store query it stands for, its filter line, and the reads a reload does (in a worker thread).

No widget here: the main screen holds one `Filter` and hands `ListData` to its widgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from textual.content import Content

from tui_reader.i18n import _
from tui_reader.models import Article, ArticleQuery, Config, Cursor, ViewConfig
from tui_reader.query import parse_search
from tui_reader.store import Store
from tui_reader.ui.messages import View
from tui_reader.ui.widgets.headline_list import PAGE_SIZE
from tui_reader.ui.widgets.sidebar import SidebarTotals


@dataclass(frozen=True, slots=True)
class Filter:
    """What the headline list shows: a view, optionally one feed, tags (ANDed) and a search."""

    view: View = "all"
    feed: str | None = None
    tags: tuple[str, ...] = ()
    search: str = ""
    saved: str = ""  # the name of the saved view ([[views]]) shown, if any
    saved_query: str = ""  # that view's query
    show_hidden: bool = False  # include the items hidden by rules

    def query(self, now: datetime) -> ArticleQuery:
        """The store query for this filter."""
        base = ArticleQuery(
            tags=self.tags,
            feed=self.feed,
            unread=self.view == "unread",
            bookmarked=self.view == "bookmarks",
            hidden="include" if self.show_hidden else "exclude",
        )
        if self.saved_query:
            base = parse_search(self.saved_query, base=base, now=now)
        return parse_search(self.search, base=base, now=now) if self.search else base

    def describe(self) -> Content:
        """The always-visible filter line, built from data (never markup)."""
        parts: list[Content] = [
            Content.styled(
                {"all": _("All"), "unread": _("Unread"), "bookmarks": _("Bookmarks")}[self.view],
                "bold",
            )
        ]
        if self.saved:
            parts.append(Content.assemble((_("view: "), "dim"), self.saved))
        if self.feed:
            parts.append(Content.assemble((_("feed: "), "dim"), self.feed))
        if self.tags:
            parts.append(
                Content.assemble((_("tags: "), "dim"), " + ".join(f"#{t}" for t in self.tags))
            )
        if self.search:
            parts.append(Content.assemble((_("search: "), "dim"), self.search))
        if self.show_hidden:
            parts.append(Content.styled(_("hidden items shown"), "italic"))
        return Content(" · ").join(parts)


@dataclass(frozen=True, slots=True)
class ListData:
    """What a reload computed off the event loop, handed back to the widgets."""

    filter: Filter
    query: ArticleQuery
    total: int
    cursor: int
    first_page: list[Article]
    first_page_offset: int


def list_data(store: Store, filter: Filter, keep: Article | None, now: datetime) -> ListData:
    """Count the rows of `filter` and read the page holding `keep` (or the first)."""
    query = filter.query(now)
    total = store.count(query)
    cursor = 0
    if keep is not None and total:
        cursor = min(store.position(query, Cursor(keep.published, keep.id)), total - 1)
    page_offset = cursor - cursor % PAGE_SIZE
    first_page = store.headline_page_at(query, page_offset, PAGE_SIZE, total=total)
    return ListData(filter, query, total, cursor, first_page, page_offset)


def view_counts(
    store: Store, views: Sequence[ViewConfig], now: datetime
) -> tuple[tuple[str, int], ...]:
    """`(name, count)` of every saved view, for the sidebar (runs in a worker thread)."""
    return tuple(
        (view.name, store.count(parse_search(view.query, base=ArticleQuery(), now=now)))
        for view in views
    )


def count_totals(store: Store, config: Config, now: datetime) -> SidebarTotals:
    """Everything the sidebar shows (runs in a worker thread)."""
    everything = ArticleQuery()
    return SidebarTotals(
        total=store.count(everything),
        unread=store.count(ArticleQuery(unread=True)),
        bookmarked=store.count(ArticleQuery(bookmarked=True)),
        tags=store.tag_counts(everything),
        feeds=store.feed_counts(),
        views=view_counts(store, config.views, now),
    )


def search_of(filter: Filter) -> str:
    """The search-language text equivalent to what `filter` shows (for a saved view)."""
    parts: list[str] = []
    if filter.saved_query:
        parts.append(filter.saved_query)
    if filter.view == "unread":
        parts.append("is:unread")
    elif filter.view == "bookmarks":
        parts.append("is:bookmarked")
    if filter.feed:
        parts.append(f'="{filter.feed}"' if " " in filter.feed else f"={filter.feed}")
    parts += [f'+"{tag}"' if " " in tag else f"+{tag}" for tag in filter.tags]
    if filter.search:
        parts.append(filter.search)
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class UnreadFound:
    """Where `n`/`p` lands: an article at `index` of the current list, or in `filter` (the
    next feed with unread items) when that is not None."""

    article: Article
    index: int = 0
    filter: Filter | None = None


def find_unread(
    store: Store,
    filter: Filter,
    query: ArticleQuery,
    current: Article | None,
    forward: bool,
    now: datetime,
) -> UnreadFound | None:
    """The next (or previous) unread article from `current` (runs in a worker thread)."""
    after = Cursor(current.published, current.id) if current else None
    if forward:
        found = store.next_unread(query, after)
    else:
        found = store.previous_unread(query, after) if after else None
    if found is not None:
        return UnreadFound(found, store.position(query, Cursor(found.published, found.id)))
    if forward and filter.feed is not None:
        # Like newsboat: past a feed's last unread item, go on to the next feed with some.
        names = [feed.name for feed in store.feed_counts() if feed.unread]
        names += [filter.feed] if filter.feed not in names else []
        names.sort(key=str.casefold)
        start = names.index(filter.feed)
        for name in names[start + 1 :] + names[:start]:
            target = replace(filter, feed=name)
            found = store.next_unread(target.query(now), None)
            if found is not None:
                return UnreadFound(found, filter=target)
    return None
