"""An article made ready to read, off the event loop: read from the store, marked read, its
text chosen and rendered for a width, its missing pictures listed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tui_reader.models import Article
from tui_reader.store import Store
from tui_reader.ui.texts import article_text
from tui_reader.ui.widgets.reader_pane import render_article

if TYPE_CHECKING:
    from textual.strip import Strip

    from tui_reader.images import ImageResult


@dataclass(frozen=True, slots=True)
class Reading:
    """What the reading pane needs, and what loading it changed or still misses."""

    article: Article
    note: str
    lines: list[Strip]
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
