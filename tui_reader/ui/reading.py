"""An article made ready to read, off the event loop: read from the store, marked read, its
text chosen and rendered for a width, its missing pictures listed; and the main screen's
reading pane driven with it (open, show, re-show, patch its read and bookmark state)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from tui_reader.models import Article
from tui_reader.store import Store
from tui_reader.ui.texts import article_text
from tui_reader.ui.widgets.reader_pane import BodyLine, render_article

if TYPE_CHECKING:
    from tui_reader.images import ImageResult
    from tui_reader.ui.screens.main import MainScreen


@dataclass(frozen=True, slots=True)
class Reading:
    """What the reading pane needs, and what loading it changed or still misses."""

    article: Article
    note: str
    lines: list[BodyLine]
    marked: bool  # it was unread and is now read
    pictures: list[str]  # picture URLs in its text, not loaded yet


def read_article(
    store: Store,
    article_id: int,
    width: int,
    pictures: Mapping[str, ImageResult],
    images: str,
) -> Reading | None:
    """Load, mark read and render one article (runs in a worker thread)."""
    article = store.get_article(article_id)
    if article is None:
        return None
    marked = False
    if not article.read:
        store.set_read([article.id], True)
        article = replace(article, read=True)
        marked = True
    text, note = article_text(article)
    lines = render_article(text, width, pictures, images=images)
    missing: list[str] = []
    if images != "off":
        from tui_reader.images import find_images

        missing = [ref.url for ref in find_images(text) if ref.url not in pictures]
    return Reading(article, note, lines, marked, missing)


# --- the reading pane's coordination for the main screen: open, show, re-show, patch --------


def open_article(screen: MainScreen, article: Article, *, focus: bool = False) -> None:
    """Load the article off the loop, mark it read, render it there too, then show it."""
    # While no article is open the pane is hidden: it will be as wide as the list.
    load_article(screen, article.id, screen.reader.body_width(screen.headlines.size.width - 3))
    if focus:
        screen.reader.focus()


@work(thread=True, exclusive=True, group="article", exit_on_error=False)
def load_article(
    screen: MainScreen, article_id: int, width: int, keep_scroll: bool = False
) -> None:
    app, worker = screen.app, get_current_worker()
    images = app.config.settings.images
    reading = read_article(app.store, article_id, width, app.pictures.loaded, images)
    if reading is None or worker.is_cancelled:
        return
    app.call_from_thread(show_article, screen, reading, width, keep_scroll)
    if reading.marked:  # the sidebar's unread counts follow at once, not at the next reload
        app.call_from_thread(screen.load_totals)
    if missing := app.pictures.missing(reading.pictures):
        app.call_from_thread(app.pictures.load, article_id, missing)


def show_article(screen: MainScreen, reading: Reading, width: int, keep_scroll: bool) -> None:
    """Put a loaded, rendered article in the reading pane."""
    # The pane comes back (the list had the room); only #content is restyled.
    screen.query_one("#content").remove_class("-no-article")
    screen.headlines.update_article(reading.article.id, read=True)
    screen.reader.show_article(
        reading.article, reading.note, reading.lines, width, keep_scroll=keep_scroll
    )


def reshow(screen: MainScreen, article_id: int, keep_scroll: bool) -> None:
    """Render the article again if it is the one on screen (its text or pictures changed)."""
    if shown(screen, article_id) is not None:
        load_article(screen, article_id, screen.reader.body_width(), keep_scroll)


def shown(screen: MainScreen, article_id: int) -> Article | None:
    """The reading pane's copy of article `article_id`, if that is the one it shows."""
    article = screen.reader.article
    return article if article is not None and article.id == article_id else None


def current_article(screen: MainScreen) -> Article | None:
    """The article the user is acting on: the one being read when the pane has focus."""
    if screen.reader.has_focus and screen.reader.article is not None:
        return screen.reader.article
    return screen.headlines.current


def fresh(screen: MainScreen, article: Article) -> Article:
    """The latest known state of `article` (the list row may be newer than the pane's copy)."""
    return shown(screen, article.id) or article


def patch(screen: MainScreen, article: Article, **changes: bool) -> None:
    """Show a new read or bookmark state in the list and, if it is open, in the pane."""
    screen.headlines.update_article(article.id, **changes)
    if (open_copy := shown(screen, article.id)) is not None:
        updated = replace(open_copy, **changes)
        screen.reader.update_note(updated, article_text(updated)[1])
