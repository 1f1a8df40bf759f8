"""Short garbage-collector pauses while the reader runs.

CPython's full (generation 2) collection walks every tracked object, and it runs on whichever
thread happens to allocate when it is due, holding the GIL throughout. Once the reader has
started, its heap holds ~80,000 objects that live as long as the app (modules, Textual's DOM,
CSS, the first page of headlines); a full collection over them took 80-130 ms of CPU, and
one falls due while a 100 KB article is rendered or 200 feeds are stored: the event loop
waited that long, and so did a key pressed meanwhile.

`freeze_startup_heap` moves what exists after the first frame out of the collector's sight
(`gc.freeze`): later full collections walk only what was made since, a fraction of the
time. `release` gives those objects back to the collector when the app ends (`gc.unfreeze`),
so a process that runs several apps (the tests) collects their cycles as usual.
"""

from __future__ import annotations

import gc

from tui_reader import collector

__all__ = ["freeze_startup_heap", "release"]

_frozen = 0
"""How many running apps froze the heap (the first to start freezes, the last to end thaws)."""


def freeze_startup_heap() -> None:
    """Exempt every object alive now from later collections (once per app)."""
    global _frozen
    _frozen += 1
    gc.freeze()
    collector.resume()  # the script paused it for the start-up (tui_reader/collector.py)


def release() -> None:
    """Let the collector see the frozen objects again (when the app ends)."""
    global _frozen
    if _frozen == 0:
        return
    _frozen -= 1
    if _frozen == 0:
        gc.unfreeze()
