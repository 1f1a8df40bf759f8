"""The look the reader's small modal dialogs share: one box centred over the screen.

Its CSS lives here rather than in reader.tcss so that it is parsed when a dialog first
opens, not at the launch (issue 11). A dialog marks its box with the `dialog-box` class and
states only what differs (the help's box is wider, say).
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

__all__ = ["Dialog"]

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal screen whose `.dialog-box` child is drawn as a centred box."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    .dialog-box {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        padding: 1 2;
        background: $surface;
        border: round $primary;
    }
    """
