"""The sidebar: All · Unread · Bookmarks · saved views · tags with counts · feeds with unread
counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from rich.cells import cell_len, set_cell_size
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui_reader.i18n import _
from tui_reader.store import FeedCount
from tui_reader.ui.messages import Intent, ShowFeed, ShowSavedView, ShowTag, ShowView, View

ERROR_MARK = "⚠"


@dataclass(frozen=True, slots=True)
class SidebarTotals:
    """The numbers the sidebar shows, computed by the screen in a worker."""

    total: int
    unread: int
    bookmarked: int
    tags: Mapping[str, int]
    feeds: Sequence[FeedCount]
    views: Sequence[tuple[str, int]] = ()  # saved views ([[views]]): name, matching items


class Sidebar(OptionList):
    """Views, tags and feeds. Choosing one posts an intent (`ShowView`, `ShowTag`, `ShowFeed`,
    `ShowSavedView` from `ui/messages.py`) with itself as origin; it never reads the store."""

    DEFAULT_CSS = """
    Sidebar { border: none; padding: 0; scrollbar-gutter: stable; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.feed_errors: dict[str, str] = {}
        self.feed_names: dict[str, str] = {}  # url → name, for the feed options' ids
        self.totals: SidebarTotals | None = None
        self._drawn_width = -1

    def show_totals(self, totals: SidebarTotals) -> None:
        """Rebuild the options, keeping the highlighted entry where it was."""
        self.totals = totals
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        width = max(0, self.scrollable_content_region.width - 2)
        self._drawn_width = width
        options: list[Option | None] = [
            Option(count_line(_("All"), totals.total, width), id="view:all"),
            Option(count_line(_("Unread"), totals.unread, width), id="view:unread"),
            Option(count_line(_("Bookmarks"), totals.bookmarked, width), id="view:bookmarks"),
        ]
        if totals.views:
            options.append(None)
            options.append(Option(Content.styled(_("Views"), "bold dim"), disabled=True))
            options.extend(
                Option(count_line(name, count, width), id=f"saved:{name}")
                for name, count in totals.views
            )
        if totals.tags:
            options.append(None)
            options.extend(
                Option(count_line(f"#{tag}", count, width), id=f"tag:{tag}")
                for tag, count in sorted(totals.tags.items())
            )
        self.feed_names = {feed.url: feed.name for feed in totals.feeds}
        self.feed_errors = {
            feed.name: feed.last_error or "" for feed in totals.feeds if feed.last_status == "error"
        }
        for account, feeds in grouped_by_account(totals.feeds):
            options.append(None)
            indent = ""
            if account is not None:
                # An account's feeds come under its name (highlight it for its sync state).
                unread = sum(feed.unread for feed in feeds)
                header = count_line(account, unread, width)
                options.append(Option(header.stylize("bold"), id=f"account:{account}"))
                indent = "  "
            for feed in feeds:
                room = width - len(indent)
                if feed.last_status == "error":
                    label = Content.assemble(
                        indent,
                        (ERROR_MARK + " ", "bold red"),
                        count_line(feed.name, feed.unread, room - 2),
                    )
                else:
                    label = Content.assemble(indent, count_line(feed.name, feed.unread, room))
                # By URL: two feeds may share a name (a removed one kept for its bookmarks).
                options.append(Option(label, id=f"feed:{feed.url}"))
        self.set_options(options)
        ids = [option.id for option in self.options]
        if highlighted in ids:
            self.highlighted = ids.index(highlighted)
        elif self.option_count:
            self.highlighted = 0

    def on_resize(self) -> None:
        # Counts are right-aligned to the width: redraw when it changes (e.g. panes stacking).
        width = max(0, self.scrollable_content_region.width - 2)
        if self.totals is not None and width != self._drawn_width:
            self.show_totals(self.totals)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            kind, _, value = event.option.id.partition(":")
            intent: Intent
            if kind == "view":
                intent = ShowView(cast("View", value), origin=self)
            elif kind == "tag":
                intent = ShowTag(value, origin=self)
            elif kind == "saved":
                intent = ShowSavedView(value, origin=self)
            else:
                intent = ShowFeed(self.feed_names.get(value, value), origin=self)
            self.post_message(intent)


def grouped_by_account(
    feeds: Sequence[FeedCount],
) -> list[tuple[str | None, list[FeedCount]]]:
    """The config's feeds first (account None), then each sync account's, by account name."""
    groups: dict[str | None, list[FeedCount]] = {}
    for feed in feeds:
        groups.setdefault(feed.account, []).append(feed)
    order = sorted(groups, key=lambda name: (name is not None, (name or "").casefold()))
    return [(name, groups[name]) for name in order]


def count_line(label: str, count: int, width: int = 0) -> Content:
    """`label` then its count, dimmed and right-aligned to `width` cells; both as data."""
    number = f"{count:,}".replace(",", " ")
    room = width - len(number) - 1
    if room > 1 and cell_len(label) > room:
        label = set_cell_size(label, room - 1) + "…"
    gap = max(1, width - cell_len(label) - len(number)) if width else 2
    return Content.assemble(label, " " * gap, (number, "dim"))
