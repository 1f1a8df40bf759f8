"""The reading pane: a header of plain data above the article body.

The body is Markdown rendered by Rich into lines *in a worker thread*, then shown by a
line-API view: a 100 KB article costs the event loop nothing but a list swap, so a key is
never kept waiting, whatever the size of what is being read.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.color import Color
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from tui_reader.dates import long_date
from tui_reader.i18n import N_, _
from tui_reader.models import Article
from tui_reader.ui import heap
from tui_reader.ui.widgets.headline_list import app_now

if TYPE_CHECKING:
    from tui_reader.images import ImageRef, ImageResult

PLACEHOLDER = N_("Select an article and press Enter to read it.")
PICTURE_MAX_WIDTH = 72
"""Cells: a picture is never drawn wider than this, however wide the pane."""
PICTURE_MAX_ROWS = 12
"""Rows: a picture is never drawn higher than this."""


class BodyLine(tuple[Segment, ...]):
    """One rendered line of an article: its segments, kept as a plain tuple.

    Not a `Strip`: a Strip carries seven caches of its own, each an object the cyclic
    garbage collector walks, and a 100 KB article holds thousands of lines for as long as
    it is open. Every full collection meanwhile (while a refresh runs, say) walked them all,
    holding the GIL, and so kept the event loop waiting (issue 11). The body makes a Strip
    of a line only when it draws it.
    """

    __slots__ = ()

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self)

    @property
    def cell_length(self) -> int:
        return Segment.get_line_length(self)


BLANK_LINE = BodyLine()


def render_markdown(text: str, width: int) -> list[BodyLine]:
    """Markdown → lines of segments at `width` cells. Thread-safe: a private Console each call.

    Rich's Markdown reads Markdown only: Rich markup such as `[bold]` in the text stays text.
    """
    # markdown-it and Pygments (~140 ms of imports): not before the first article is shown.
    from rich.markdown import Markdown

    heap.freeze_new_imports()  # the first time: those modules, before the render allocates
    console = Console(
        width=max(width, 20),
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        markup=False,
        emoji=False,
    )
    markdown = Markdown(text, hyperlinks=True, code_theme="monokai")
    lines = console.render_lines(markdown, console.options, pad=False, new_lines=False)
    return [BodyLine(line) for line in lines]


def render_article(
    text: str,
    width: int,
    pictures: Mapping[str, ImageResult | None] | None = None,
    *,
    images: str = "auto",
) -> list[BodyLine]:
    """The article's Markdown as lines, its pictures drawn where they stand, alt text below.

    `pictures` maps a picture's URL to what loading it gave (None: not loaded yet); a picture
    that is missing, failed or switched off (`images="off"`) shows as its alt text. Runs in
    a worker thread, like `render_markdown`.
    """
    from tui_reader.images import find_images

    refs = find_images(text)
    if not refs:
        return render_markdown(text, width)
    source = text.split("\n")
    lines: list[BodyLine] = []
    start = 0
    for ref in refs:
        chunk = "\n".join(source[start : ref.line]).strip()
        if chunk:
            lines.extend(render_markdown(chunk, width))
            lines.append(BLANK_LINE)
        result = (pictures or {}).get(ref.url)
        lines.extend(render_picture(ref, result, width, images=images))
        start = ref.line + 1
    chunk = "\n".join(source[start:]).strip()
    if chunk:
        lines.append(BLANK_LINE)
        lines.extend(render_markdown(chunk, width))
    return lines


def render_picture(
    ref: ImageRef, result: ImageResult | None, width: int, *, images: str = "auto"
) -> list[BodyLine]:
    """One picture as half-block cells (`▀`, true colour) with its alt text under it."""
    from tui_reader.images import halfcell_rows

    lines: list[BodyLine] = []
    picture = result.image if result is not None and images != "off" else None
    if picture is not None:
        for row in halfcell_rows(picture, min(width, PICTURE_MAX_WIDTH), PICTURE_MAX_ROWS):
            lines.append(BodyLine([_cell(top, bottom) for top, bottom in row]))
    label = ref.alt or _("picture")
    if picture is None:
        label = "▣ " + label
        if result is not None and result.error and images != "off":
            label += " " + _("({error})").format(error=result.error)
    style = Style(dim=True, italic=True, link=ref.link or ref.url)
    for line in Console(width=max(width, 20), file=io.StringIO(), markup=False).render_lines(
        Text(label, style=style), pad=False, new_lines=False
    ):
        lines.append(BodyLine(line))
    return lines


def _cell(top: tuple[int, int, int] | None, bottom: tuple[int, int, int] | None) -> Segment:
    """One cell holding two pixels: the upper in the foreground of `▀`, the lower behind it."""
    if top is None and bottom is None:
        return Segment(" ")
    if top is None:
        return Segment("▄", Style(color=Color.from_rgb(*bottom)))  # type: ignore[misc]
    upper = Color.from_rgb(*top)
    if bottom is None:
        return Segment("▀", Style(color=upper))
    return Segment("▀", Style(color=upper, bgcolor=Color.from_rgb(*bottom)))


class ArticleBody(ScrollView, can_focus=False, inherit_bindings=False):
    """Pre-rendered lines, drawn only where visible; a click on a link asks to open it."""

    DEFAULT_CSS = """
    ArticleBody { height: 1fr; overflow-x: hidden; scrollbar-gutter: stable; }
    """

    @dataclass(eq=False, repr=False)
    class LinkClicked(Message):
        """A link in the article was clicked; the screen decides whether to open it."""

        href: str

    @dataclass(eq=False, repr=False)
    class WidthChanged(Message):
        """The body's width is no longer the one its lines were rendered at: rewrap them."""

        width: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[BodyLine] = []
        self.rendered_width = 0

    def on_resize(self) -> None:
        # Layout has given this widget its new size (the screen's Resize comes before it).
        width = self.scrollable_content_region.width
        if self.lines and width > 0 and width != self.rendered_width:
            self.post_message(self.WidthChanged(width))

    def set_lines(self, lines: list[BodyLine], width: int, *, keep_scroll: bool = False) -> None:
        """Show freshly rendered lines from the top (or where the reader was: `keep_scroll`)."""
        self.lines = lines
        self.rendered_width = width
        self.virtual_size = Size(width, len(self.lines))
        if not keep_scroll:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if 0 <= index < len(self.lines):
            return (
                Strip(self.lines[index])
                .apply_style(self.rich_style)
                .crop_extend(0, width, self.rich_style)
            )
        return Strip.blank(width, self.rich_style)

    def on_click(self, event: events.Click) -> None:
        style: Style = event.style
        if style.link:
            event.stop()
            self.post_message(self.LinkClicked(style.link))


class ReaderPane(Vertical, can_focus=True):
    """Header and body of one article; keys are the screen's, so j/k keep moving through
    headlines and space/pagedown scroll the body."""

    DEFAULT_CSS = """
    ReaderPane {
        padding: 0 1;
        & > #article-header { padding: 1 0 1 0; height: auto; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(_(PLACEHOLDER)), id="article-header", markup=False)
        yield ArticleBody(id="article-body")

    @property
    def body(self) -> ArticleBody:
        return self.query_one(ArticleBody)

    def body_width(self, fallback: int = 0) -> int:
        """The width to render the body at (cells). While the pane is hidden: the width it
        will have once shown (its container's, less its padding and the body's scrollbar
        gutter), so that showing it does not render a long article a second time; else
        `fallback`."""
        width = self.body.scrollable_content_region.width if self.display else 0
        if not width and isinstance(self.parent, Widget) and self.parent.size.width:
            body = self.body.styles
            gutter = body.scrollbar_size_vertical if body.scrollbar_gutter == "stable" else 0
            width = self.parent.size.width - self.styles.gutter.width - gutter
        return max(20, width or fallback or self.size.width - 4)

    def show_article(
        self,
        article: Article,
        note: str,
        lines: list[BodyLine],
        width: int,
        *,
        keep_scroll: bool = False,
    ) -> None:
        """Display `article`: its header and its body, already rendered at `width`."""
        keep_scroll = keep_scroll and self.article is not None and self.article.id == article.id
        self.article = article
        self.query_one("#article-header", Static).update(
            article_header(article, note, app_now(self))
        )
        self.body.set_lines(lines, width, keep_scroll=keep_scroll)

    def update_note(self, article: Article, note: str) -> None:
        """Change the header only (e.g. bookmark state or full-text progress)."""
        if self.article is not None and self.article.id == article.id:
            self.article = article
            self.query_one("#article-header", Static).update(
                article_header(article, note, app_now(self))
            )

    def scroll_body(self, pages: int) -> None:
        """Scroll the article by whole pages (negative: up)."""
        body = self.body
        step = max(1, body.scrollable_content_region.height - 1)
        body.scroll_to(y=body.scroll_offset.y + pages * step, animate=False)


def article_header(article: Article, note: str, now: datetime | None = None) -> Content:
    """Title, byline and link as Content built from data: nothing here is parsed as markup."""
    byline = " · ".join(
        part for part in (article.feed, article.author, long_date(article.published, now)) if part
    )
    marks = _("★ bookmarked") if article.bookmarked else ""
    lines = [
        Content.styled(article.title or _("(untitled)"), "bold"),
        Content.styled(byline, "dim"),
    ]
    status = " · ".join(part for part in (note, marks) if part)
    if status:
        lines.append(Content.styled(status, "italic"))
    if article.link:
        lines.append(Content.styled(article.link, "underline dim"))
    return Content("\n").join(lines)
