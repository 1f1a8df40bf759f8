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

`freeze_new_imports` does the same after the reader's lazy imports (the HTTP stack and the
parser before the first refresh, Markdown and Pygments before the first article): modules
live as long as the process, and those imported after the first frame were most of what a
full collection walked during a first refresh (110,000 objects, 30-60 ms each). It freezes
only when `sys.modules` has grown since the last freeze, so a session freezes a handful of
times at most, and never when no app froze the heap (scripts, tests of the core).
"""

from __future__ import annotations

import gc
import sys

from tui_reader import collector

__all__ = ["freeze_new_imports", "freeze_startup_heap", "release"]

_frozen = 0
"""How many running apps froze the heap (the first to start freezes, the last to end thaws)."""
_modules_frozen = 0
"""`len(sys.modules)` at the last freeze."""


def freeze_startup_heap() -> None:
    """Exempt every object alive now from later collections (once per app)."""
    global _frozen, _modules_frozen
    _frozen += 1
    _modules_frozen = len(sys.modules)
    gc.freeze()
    collector.resume()  # the script paused it for the start-up (tui_reader/collector.py)


def freeze_new_imports() -> None:
    """Exempt what exists now from later collections if modules were imported since the last
    freeze and an app froze the heap (any thread; cheap when nothing was imported)."""
    global _modules_frozen
    if _frozen and len(sys.modules) != _modules_frozen:
        _modules_frozen = len(sys.modules)
        gc.freeze()


def release() -> None:
    """Let the collector see the frozen objects again (when the app ends)."""
    global _frozen
    if _frozen == 0:
        return
    _frozen -= 1
    if _frozen == 0:
        gc.unfreeze()
