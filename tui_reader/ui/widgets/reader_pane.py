"""The reading pane: a header of plain data and the body rendered from Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui_reader.models import Article

if TYPE_CHECKING:
    from textual.widgets import Markdown

PLACEHOLDER = "Select an article and press Enter to read it."


class ReaderPane(VerticalScroll, can_focus=True, inherit_bindings=False):
    """Shows one article; keys are the screen's, so j/k keep moving through headlines."""

    DEFAULT_CSS = """
    ReaderPane {
        padding: 0 1;
        & > #article-header { padding: 1 0 1 0; }
        & > #article-body { padding: 0; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(PLACEHOLDER), id="article-header", markup=False)

    async def body(self) -> Markdown:
        """The Markdown widget, mounted on first use: its stylesheet is large, and start-up
        should not pay for it before an article is opened."""
        from textual.widgets import Markdown

        found = self.query("#article-body")
        if found:
            return found.first(Markdown)
        markdown = Markdown("", id="article-body", open_links=False)
        await self.mount(markdown)
        return markdown

    async def show_article(self, article: Article, *, text: str, note: str) -> None:
        """Display `article` with `text` (Markdown) as its body and `note` under the byline."""
        self.article = article
        self.query_one("#article-header", Static).update(article_header(article, note))
        self.scroll_home(animate=False, immediate=True)
        await (await self.body()).update(text)

    def update_note(self, article: Article, note: str) -> None:
        """Change the header only (e.g. bookmark state or full-text progress)."""
        if self.article is not None and self.article.id == article.id:
            self.article = article
            self.query_one("#article-header", Static).update(article_header(article, note))

    async def clear(self) -> None:
        """Back to the placeholder."""
        self.article = None
        self.query_one("#article-header", Static).update(Content(PLACEHOLDER))
        await (await self.body()).update("")


def article_header(article: Article, note: str) -> Content:
    """Title, byline and link as Content built from data: nothing here is parsed as markup."""
    byline = " · ".join(
        part
        for part in (article.feed, article.author, article.published[:16].replace("T", " "))
        if part
    )
    marks = "★ bookmarked" if article.bookmarked else ""
    lines = [Content.styled(article.title or "(untitled)", "bold"), Content.styled(byline, "dim")]
    status = " · ".join(part for part in (note, marks) if part)
    if status:
        lines.append(Content.styled(status, "italic"))
    if article.link:
        lines.append(Content.styled(article.link, "underline dim"))
    return Content("\n").join(lines)
