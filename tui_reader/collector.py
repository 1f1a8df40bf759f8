"""The garbage collector paused while the `tui-reader` script starts the reader.

Start-up allocates hundreds of thousands of objects (Textual's and our modules, the CSS,
the DOM, the first page) and almost none of them is garbage, yet CPython's collector ran
dozens of times over them on the way to the first frame, full collections included (a
third or more of a 50,000-article launch's own work). The script's entry point pauses the
collector (`pause`); it resumes once the reader has drawn its first frame (`ui/heap.py`,
after moving the start-up heap out of its sight), or at once for any other command
(`resume`). Nothing is lost: cycles made meanwhile are collected after. Only the script
pauses it: `cli.main`, run in-process by the tests, never does.
"""

from __future__ import annotations

import gc

__all__ = ["pause", "paused", "resume"]

_paused = False


def pause() -> None:
    """Stop automatic collections until `resume` (if they run now)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def paused() -> bool:
    """Whether `pause` stopped the collector and nothing resumed it yet."""
    return _paused


def resume() -> None:
    """Let the collector run again, if `pause` stopped it (otherwise nothing)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
