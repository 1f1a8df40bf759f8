"""Opening links: the browser (a console one with the app suspended), the clipboard, and the
numbered list of an article's links (`L`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from tui_reader.i18n import _
from tui_reader.ui.services import Service

if TYPE_CHECKING:
    from tui_reader.footnotes import NumberedLink

CONSOLE_BROWSERS = frozenset({"w3m", "lynx", "links", "links2", "elinks", "browsh", "carbonyl"})


def has_graphical_session() -> bool:
    """Whether a GUI browser can open: macOS and Windows always, elsewhere with a display."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class Links(Service):
    """Opens and copies links for every screen."""

    def copy(self, url: str) -> None:
        """Put `url` on the clipboard and say so."""
        self.app.copy_to_clipboard(url)
        self.app.notify(_("Copied {url}").format(url=url), markup=False, timeout=3)

    def copy_link(self, link: str) -> None:
        """`y`: copy an article's own link (http(s) only)."""
        from tui_reader.text import safe_link

        if not safe_link(link):
            self.app.notify(_("This article has no link."), markup=False, severity="warning")
            return
        self.app.copy_to_clipboard(link)
        self.app.notify(_("Copied {link}").format(link=link), markup=False, timeout=3)

    def open(self, url: str) -> None:
        """Open http(s) links only; a console browser runs with the app suspended."""
        from tui_reader.text import safe_link

        app = self.app
        link = safe_link(url)
        if not link:
            app.notify(
                _("Not opening a link that is not http(s)."), markup=False, severity="warning"
            )
            return
        import shlex  # here, not at the launch (issue 11)

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
                app.copy_to_clipboard(link)
                app.notify(
                    _("No browser found; link copied: {link}").format(link=link),
                    markup=False,
                    severity="warning",
                )
            return
        app.open_url(link)

    @contextmanager
    def terminal_handed_over(self) -> Iterator[None]:
        """Suspend the app while a program uses the terminal (where the driver can)."""
        try:
            with self.app.suspend():
                yield
        except SuspendNotSupported:
            yield

    def list_links(self, article_id: int) -> None:
        """`L`: the article's links, numbered, its own link first (read in a thread)."""
        self.in_thread(lambda: self._load(article_id), group="links", exclusive=True)

    def _load(self, article_id: int) -> None:
        from tui_reader.footnotes import article_links
        from tui_reader.ui.texts import article_text

        article = self.app.store.get_article(article_id)
        if article is None:
            return
        links = article_links(article.link, article_text(article)[0])
        self.app.call_from_thread(self.show, links)

    def show(self, links: list[NumberedLink]) -> None:
        """Open the numbered list (`links` from `list_links`)."""
        from tui_reader.ui.screens.links import LinkList

        if not links:
            self.app.notify(_("This article has no links."), markup=False, timeout=3)
            return
        self.app.push_screen(LinkList(links, self.open, self.copy))
