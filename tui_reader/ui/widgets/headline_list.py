"""The headline list: a virtual list that renders only visible rows from SQLite pages.

Rows come from a `PageLoader` handed down by the screen (keyset/offset pages of the current
query); an LRU of pages keeps scrolling cheap, and no widget is ever mounted per article.

The UI thread never reads SQLite here: a page the cache lacks is read by a thread worker
(one load in flight per page) and drawn when it arrives, with a placeholder row meanwhile,
the way toolong's `LogLines` reads lines. Each `set_source` starts a new generation, so a
page read for an older query or filter is dropped when it lands.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from tui_reader.dates import LIST_DATE_WIDTH, list_date
from tui_reader.i18n import _, current_language
from tui_reader.models import Article

PageLoader = Callable[[int, int], list[Article]]
"""`loader(offset, limit)` returns the rows of the current query from `offset`, newest first."""

PAGE_SIZE = 200
CACHED_PAGES = 16
FEED_WIDTH = 18
PAGE_GROUP = "headline-pages"
"""The worker group of page loads."""
CACHED_ROWS = 512
"""Drawn rows kept (LRU): scrolling by one row redraws every visible row, from this cache."""


def short_date(published: str, now: datetime | None = None) -> str:
    """`2026-11-27T14:03:00+00:00` → `11-27 14:03` in local time (blank when unparseable);
    in French `27 nov. 14:03`, or `il y a 3 h` for today (`tui_reader.dates`)."""
    if current_language() == "fr":
        return fit(list_date(published, now), LIST_DATE_WIDTH)
    try:
        moment = datetime.fromisoformat(published).astimezone()
    except ValueError:
        return " " * 11
    return moment.strftime("%m-%d %H:%M")


class HeadlineList(ScrollView, can_focus=True, inherit_bindings=False):
    """Newest-first headlines; the screen owns the keys, this widget owns drawing and the cursor."""

    COMPONENT_CLASSES = {
        "headline-list--cursor",
        "headline-list--unread",
        "headline-list--read",
        "headline-list--meta",
        "headline-list--bookmark",
    }

    DEFAULT_CSS = """
    HeadlineList {
        background: $surface;
        overflow-x: hidden;
        & > .headline-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .headline-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .headline-list--unread { text-style: bold; }
        & > .headline-list--read { color: $text-muted; }
        & > .headline-list--meta { color: $text-muted; }
        & > .headline-list--bookmark { color: $warning; }
    }
    """

    # repaint=False: watch_cursor repaints just the two rows that change.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    @dataclass(eq=False, repr=False)
    class Highlighted(Message):
        """The cursor moved to `article` (None when the list is empty)."""

        article: Article | None

    @dataclass(eq=False, repr=False)
    class Selected(Message):
        """The user asked to open `article` (enter, or a click on the cursor row)."""

        article: Article

    @dataclass(eq=False, repr=False)
    class PageLoaded(Message):
        """A page read by a worker (`rows` is None when the read failed)."""

        generation: int
        page_number: int
        rows: list[Article] | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._loader: PageLoader | None = None
        self._total = 0
        self._pages: OrderedDict[int, list[Article]] = OrderedDict()
        self._loading: set[int] = set()
        """Pages of the current generation whose load is in flight."""
        self._generation = 0
        self._patches: dict[int, dict[str, object]] = {}
        """Row changes made while their page may be in flight, applied when it lands."""
        self.empty_text = _("No articles")
        self.loading_text = _("Loading…")
        self._rows: OrderedDict[tuple[object, ...], Strip] = OrderedDict()
        """Drawn rows by (id, read, bookmarked, cursor, width, date): a scroll redraws every
        visible row, and all but one were drawn a moment ago."""
        self._styles: tuple[Style, ...] | None = None
        """The base style and the component styles, until the widget's styles change."""
        self._dates: dict[tuple[str, object], str] = {}

    @property
    def total(self) -> int:
        """How many rows the current query has."""
        return self._total

    def set_source(
        self,
        loader: PageLoader,
        total: int,
        *,
        cursor: int = 0,
        first_page: list[Article] | None = None,
        first_page_offset: int = 0,
    ) -> None:
        """Show a new query (or refreshed data): drop cached pages and place the cursor."""
        self._loader = loader
        self._total = total
        self._generation += 1
        self._pages.clear()
        self._loading.clear()
        self._patches.clear()
        self._rows.clear()
        if first_page is not None and first_page_offset % PAGE_SIZE == 0:
            self._pages[first_page_offset // PAGE_SIZE] = first_page
        self.virtual_size = Size(self.scrollable_content_region.width, total)
        self.cursor = max(0, min(cursor, total - 1))
        self.refresh()

    def article_at(self, index: int) -> Article | None:
        """The row at `index` from the page cache; None (and a load requested) when its page
        has not arrived yet. Never reads SQLite on the calling thread."""
        if not 0 <= index < self._total or self._loader is None:
            return None
        page_number, offset = divmod(index, PAGE_SIZE)
        page = self._pages.get(page_number)
        if page is None:
            self.request_page(page_number)
            return None
        self._pages.move_to_end(page_number)
        return page[offset] if offset < len(page) else None

    def is_loaded(self, index: int) -> bool:
        """Whether the page holding row `index` is in the cache."""
        return index // PAGE_SIZE in self._pages

    def request_page(self, page_number: int) -> None:
        """Start a worker reading `page_number` unless it is cached or already on its way."""
        loader = self._loader
        if (
            loader is None
            or page_number in self._pages
            or page_number in self._loading
            or not 0 <= page_number * PAGE_SIZE < self._total
        ):
            return
        self._loading.add(page_number)
        self.run_worker(
            partial(self._read_page, loader, self._generation, page_number),
            name=f"headline page {page_number}",
            group=PAGE_GROUP,
            thread=True,
            exit_on_error=False,
        )

    def _read_page(self, loader: PageLoader, generation: int, page_number: int) -> None:
        """In a worker thread: read one page and hand it to the UI thread as a message."""
        rows: list[Article] | None
        try:
            rows = loader(page_number * PAGE_SIZE, PAGE_SIZE)
        except Exception:  # the row stays a placeholder; a later draw asks again
            rows = None
        self.post_message(self.PageLoaded(generation, page_number, rows))

    def on_headline_list_page_loaded(self, event: HeadlineList.PageLoaded) -> None:
        event.stop()
        if event.generation != self._generation:
            return  # read for a query or filter that is no longer shown
        self._loading.discard(event.page_number)
        if event.rows is None:
            return
        rows = event.rows
        if self._patches:
            rows = [
                replace(row, **self._patches[row.id])  # type: ignore[arg-type]
                if row.id in self._patches
                else row
                for row in rows
            ]
        self._pages[event.page_number] = rows
        if len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        start = event.page_number * PAGE_SIZE
        top = self.scroll_offset.y
        first, last = max(start, top), min(start + len(rows), top + self.size.height)
        if first < last:
            self.refresh(Region(0, first - top, self.size.width, last - first))
        if start <= self.cursor < start + len(rows):
            self.post_message(self.Highlighted(self.article_at(self.cursor)))

    def prefetch(self, index: int) -> None:
        """Ask for the pages within a screen (or a quarter page) above and below row `index`,
        so `j`/`k`/`pagedown` rarely meet a row that is not loaded."""
        margin = max(self.size.height, PAGE_SIZE // 4)
        low = max(0, index - margin) // PAGE_SIZE
        high = min(self._total - 1, index + margin) // PAGE_SIZE
        for page_number in range(low, high + 1):
            self.request_page(page_number)

    @property
    def current(self) -> Article | None:
        """The article under the cursor."""
        return self.article_at(self.cursor)

    def update_article(self, article_id: int, **changes: object) -> None:
        """Patch a cached row in place (after a read or bookmark toggle) and redraw it."""
        if self._loading:
            # Its page may be on its way with the row as it was: patch it when it lands.
            self._patches.setdefault(article_id, {}).update(changes)
        for page_number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.id == article_id:
                    page[offset] = replace(row, **changes)  # type: ignore[arg-type]
                    self.refresh_line(page_number * PAGE_SIZE + offset)
                    return

    def refresh_line(self, index: int) -> None:
        """Redraw one row if it is on screen."""
        y = index - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # --- cursor ----------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_offset.y
        if top <= new < top + self.scrollable_content_region.height:
            # Visible already: repaint the two rows that changed, nothing else.
            self.refresh_line(old)
            self.refresh_line(new)
        else:
            self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True, immediate=True)
        self.prefetch(new)
        self.post_message(self.Highlighted(self.article_at(new)))

    def move_cursor(self, delta: int) -> None:
        """Move the cursor by `delta` rows, clamped to the list."""
        if self._total:
            self.cursor = max(0, min(self.cursor + delta, self._total - 1))

    def page_size(self) -> int:
        """Rows that fit on screen (at least one)."""
        return max(1, self.scrollable_content_region.height - 1)

    async def _on_click(self, event: events.Click) -> None:
        index = event.y + self.scroll_offset.y
        if not 0 <= index < self._total:
            return
        event.stop()
        if index == self.cursor or event.chain > 1:
            article = self.article_at(index)
            if article is not None:
                self.post_message(self.Selected(article))
        self.cursor = index

    # --- drawing ---------------------------------------------------------------------

    def notify_style_update(self) -> None:
        # Focus, theme or CSS changed: the styles (and rows drawn with them) are stale.
        super().notify_style_update()
        self._styles = None
        self._rows.clear()

    def _row_styles(self) -> tuple[Style, ...]:
        """(base, cursor, unread, read, meta, bookmark) rich styles, computed once per style
        change rather than once per drawn row (`rich_style` walks every ancestor)."""
        if self._styles is None:
            component = self.get_component_rich_style
            self._styles = (
                self.rich_style,
                component("headline-list--cursor"),
                component("headline-list--unread"),
                component("headline-list--read"),
                component("headline-list--meta"),
                component("headline-list--bookmark"),
            )
        return self._styles

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self._row_styles()[0]
        if self._total == 0:
            if y == 0:
                text = f" {self.empty_text}"
                return Strip(
                    [Segment(text, base + self.get_component_rich_style("headline-list--meta"))]
                ).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if not 0 <= index < self._total:
            return Strip.blank(width, base)
        article = self.article_at(index)
        if article is None:
            if self.is_loaded(index):  # a page shorter than the count (rows went meanwhile)
                return Strip.blank(width, base)
            return self._render_placeholder(index == self.cursor, width, base)
        is_cursor = index == self.cursor
        date = self._date(article.published)
        key = (article.id, article.read, article.bookmarked, is_cursor, width, date)
        strip = self._rows.get(key)
        if strip is None:
            strip = self._rows[key] = self._render_row(article, is_cursor, width, date)
            if len(self._rows) > CACHED_ROWS:
                self._rows.popitem(last=False)
        return strip

    def _date(self, published: str) -> str:
        """The row's date column, computed once per date (and per minute in French, where
        today's dates read "il y a 3 h")."""
        now = app_now(self) if current_language() == "fr" else None
        key = (published, now.replace(second=0, microsecond=0) if now is not None else None)
        text = self._dates.get(key)
        if text is None:
            if len(self._dates) > 4 * CACHED_ROWS:
                self._dates.clear()
            text = self._dates[key] = short_date(published, now)
        return text

    def _render_placeholder(self, is_cursor: bool, width: int, base: Style) -> Strip:
        """A row whose page is still being read: dim text where the headline will be."""
        component = self.get_component_rich_style
        cursor = component("headline-list--cursor") if is_cursor else Style()
        meta = Style.chain(base, component("headline-list--meta"), cursor)
        plain = Style.chain(base, cursor)
        return Strip([Segment("    ", plain), Segment(self.loading_text, meta)]).crop_extend(
            0, width, plain
        )

    def _render_row(self, article: Article, is_cursor: bool, width: int, date: str) -> Strip:
        base, cursor_style, unread, read, meta_style, bookmark = self._row_styles()
        cursor = cursor_style if is_cursor else Style()

        def style(*extra: Style) -> Style:
            # The cursor goes on top so its colours win over the per-column ones.
            return Style.chain(base, *extra, cursor)

        title = style(read if article.read else unread)
        meta = style(meta_style)
        plain = style()
        segments = [
            Segment(" ", plain),
            Segment("●" if not article.read else " ", title),
            Segment("★" if article.bookmarked else " ", style(bookmark)),
            Segment(" ", plain),
            Segment(date, meta),
            Segment("  ", plain),
            Segment(fit(article.feed, FEED_WIDTH), meta),
            Segment("  ", plain),
            Segment(article.title or _("(untitled)"), title),
        ]
        return Strip(segments).crop_extend(0, width, plain)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self._total)


def app_now(widget: Widget) -> datetime | None:
    """The app's clock when it has one (fixed in tests), for "il y a 3 h"."""
    now = getattr(widget.app, "now", None)
    return now() if callable(now) else None


def fit(text: str, width: int) -> str:
    """Pad or cut `text` to exactly `width` terminal cells, with an ellipsis when cut."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"
