"""The headline list: a virtual list that renders only visible rows from SQLite pages.

Rows come from a `PageLoader` handed down by the screen (keyset/offset pages of the current
query); an LRU of pages keeps scrolling cheap, and no widget is ever mounted per article.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

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

    class Highlighted(Message):
        """The cursor moved to `article` (None when the list is empty)."""

        def __init__(self, article: Article | None) -> None:
            super().__init__()
            self.article = article

    class Selected(Message):
        """The user asked to open `article` (enter, or a click on the cursor row)."""

        def __init__(self, article: Article) -> None:
            super().__init__()
            self.article = article

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._loader: PageLoader | None = None
        self._total = 0
        self._pages: OrderedDict[int, list[Article]] = OrderedDict()
        self.empty_text = _("No articles")

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
        self._pages.clear()
        if first_page is not None and first_page_offset % PAGE_SIZE == 0:
            self._pages[first_page_offset // PAGE_SIZE] = first_page
        self.virtual_size = Size(self.scrollable_content_region.width, total)
        self.cursor = max(0, min(cursor, total - 1))
        self.refresh()

    def article_at(self, index: int) -> Article | None:
        """The row at `index`, read from the page cache or loaded on demand."""
        if not 0 <= index < self._total or self._loader is None:
            return None
        page_number, offset = divmod(index, PAGE_SIZE)
        page = self._pages.get(page_number)
        if page is None:
            page = self._loader(page_number * PAGE_SIZE, PAGE_SIZE)
            self._pages[page_number] = page
            if len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        return page[offset] if offset < len(page) else None

    @property
    def current(self) -> Article | None:
        """The article under the cursor."""
        return self.article_at(self.cursor)

    def update_article(self, article_id: int, **changes: object) -> None:
        """Patch a cached row in place (after a read or bookmark toggle) and redraw it."""
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

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self._total == 0:
            if y == 0:
                text = f" {self.empty_text}"
                return Strip(
                    [Segment(text, base + self.get_component_rich_style("headline-list--meta"))]
                ).crop_extend(0, width, base)
            return Strip.blank(width, base)
        article = self.article_at(index)
        if article is None:
            return Strip.blank(width, base)
        return self._render_row(article, index == self.cursor, width, base)

    def _render_row(self, article: Article, is_cursor: bool, width: int, base: Style) -> Strip:
        component = self.get_component_rich_style
        cursor = component("headline-list--cursor") if is_cursor else Style()

        def style(*extra: Style) -> Style:
            # The cursor goes on top so its colours win over the per-column ones.
            return Style.chain(base, *extra, cursor)

        title = style(component("headline-list--read" if article.read else "headline-list--unread"))
        meta = style(component("headline-list--meta"))
        plain = style()
        segments = [
            Segment(" ", plain),
            Segment("●" if not article.read else " ", title),
            Segment(
                "★" if article.bookmarked else " ", style(component("headline-list--bookmark"))
            ),
            Segment(" ", plain),
            Segment(short_date(article.published, app_now(self)), meta),
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
