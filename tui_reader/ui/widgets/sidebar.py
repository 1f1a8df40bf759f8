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


Label = tuple[str, int | None, bool, str, str]
"""An entry's label: name, count (None: a heading), failing, indent, style."""
Row = tuple[str, Label]
"""An entry: its option id and its label."""


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
        self._shown_rows: list[Row | None] | None = None

    def show_totals(self, totals: SidebarTotals) -> None:
        """Show `totals`, keeping the highlighted entry where it was.

        When the entries are the same as on screen (same views, tags and feeds, same width),
        only the labels whose numbers changed are replaced, in place: after a refresh with
        hundreds of feeds that is a few labels rather than a rebuild of the whole list.
        """
        self.totals = totals
        width = max(0, self.scrollable_content_region.width - 2)
        rows: list[Row | None] = [
            ("view:all", (_("All"), totals.total, False, "", "")),
            ("view:unread", (_("Unread"), totals.unread, False, "", "")),
            ("view:bookmarks", (_("Bookmarks"), totals.bookmarked, False, "", "")),
        ]
        if totals.views:
            rows.append(None)
            rows.append(("heading:views", (_("Views"), None, False, "", "bold dim")))
            rows.extend(
                (f"saved:{name}", (name, count, False, "", "")) for name, count in totals.views
            )
        if totals.tags:
            rows.append(None)
            rows.extend(
                (f"tag:{tag}", (f"#{tag}", count, False, "", ""))
                for tag, count in sorted(totals.tags.items())
            )
        self.feed_names = {feed.url: feed.name for feed in totals.feeds}
        self.feed_errors = {
            feed.name: feed.last_error or "" for feed in totals.feeds if feed.last_status == "error"
        }
        for account, feeds in grouped_by_account(totals.feeds):
            rows.append(None)
            indent = ""
            if account is not None:
                # An account's feeds come under its name (highlight it for its sync state).
                unread = sum(feed.unread for feed in feeds)
                rows.append((f"account:{account}", (account, unread, False, "", "bold")))
                indent = "  "
            # By URL: two feeds may share a name (a removed one kept for its bookmarks).
            for feed in feeds:
                failing = feed.last_status == "error"
                rows.append((f"feed:{feed.url}", (feed.name, feed.unread, failing, indent, "")))
        shown = self._shown_rows
        if width == self._drawn_width and shown is not None and len(shown) == len(rows):
            same_entries = all(
                (old is None and new is None)
                or (old is not None and new is not None and old[0] == new[0])
                for old, new in zip(shown, rows, strict=True)
            )
            if same_entries:
                index = 0
                for old, new in zip(shown, rows, strict=True):
                    if new is None:
                        continue  # a separator is no option
                    if old is not None and old[1] != new[1]:
                        self.replace_option_prompt_at_index(index, self._label(new[1], width))
                    index += 1
                self._shown_rows = rows
                return
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        self._drawn_width = width
        self._shown_rows = rows
        self.set_options(
            [
                None
                if row is None
                else Option(self._label(row[1], width), id=row[0], disabled=row[1][1] is None)
                for row in rows
            ]
        )
        ids = [option.id for option in self.options]
        if highlighted in ids:
            self.highlighted = ids.index(highlighted)
        elif self.option_count:
            self.highlighted = 0

    @staticmethod
    def _label(label: Label, width: int) -> Content:
        """One entry's label: name and count (none for a heading), the error mark for a
        failing feed, indented under its account."""
        name, count, failing, indent, style = label
        if count is None:
            return Content.styled(name, style)
        room = width - len(indent)
        if failing:
            content = Content.assemble(
                indent, (ERROR_MARK + " ", "bold red"), count_line(name, count, room - 2)
            )
        else:
            content = Content.assemble(indent, count_line(name, count, room))
        return content.stylize(style) if style else content

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
