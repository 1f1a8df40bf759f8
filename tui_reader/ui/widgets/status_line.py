"""One line of status (refresh progress, a feed's error) that repaints without a relayout.

`Static.update` asks for a new layout of the whole screen, which a refresh reporting each of
200 feeds would pay 200 times while the CPUs are busy parsing; this line is always one row
high, so changing its text only repaints that row.
"""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


class StatusLine(Widget):
    """A single row of plain text (data, never markup)."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; color: $text-muted; }
    """

    text: reactive[str] = reactive("", layout=False)

    def render(self) -> Content:
        return Content(self.text)
