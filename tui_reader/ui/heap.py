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

`collector_paused` stops automatic collections while a refresh runs, as Textual does while
it scrolls (`App.PAUSE_GC_ON_SCROLL`): a refresh keeps thousands of parsed entries alive at
once, and a full collection over them cost 40-110 ms of CPU (measured with `gc.callbacks`).
Reference counting frees almost all of its garbage meanwhile; the few cycles wait for the
first collection after it, when the refresh's objects are gone.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "freeze_startup_heap", "release"]

_frozen = 0
"""How many running apps froze the heap (the first to start freezes, the last to end thaws)."""


def freeze_startup_heap() -> None:
    """Exempt every object alive now from later collections (once per app)."""
    global _frozen
    _frozen += 1
    gc.freeze()


def release() -> None:
    """Let the collector see the frozen objects again (when the app ends)."""
    global _frozen
    if _frozen == 0:
        return
    _frozen -= 1
    if _frozen == 0:
        gc.unfreeze()


_paused = 0
"""How many `collector_paused` blocks are open."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside the block (the collector is left as it was found)."""
    global _paused
    if _paused == 0 and not gc.isenabled():  # someone else paused it: leave it to them
        yield
        return
    _paused += 1
    gc.disable()
    try:
        yield
    finally:
        _paused -= 1
        if _paused == 0:
            gc.enable()
