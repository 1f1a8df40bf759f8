"""Worker processes from inside the running app.

A refresh of many feeds parses them in a process pool (`tui_reader.refresh`): feedparser is
pure Python and, in a thread, holds the GIL the event loop needs. Starting that pool starts
multiprocessing's resource tracker, which hands the child `sys.stderr.fileno()`; while a
Textual app runs, `sys.stderr` is Textual's print capture, whose `fileno()` is -1, so the
start failed ("bad value(s) in fds_to_keep") and the refresh quietly parsed in a thread of
the app's process instead. With 200 feeds that stalled the loop for hundreds of ms.

`start_resource_tracker` starts the tracker once, with a real file as its stderr (the null
device: a terminal app has no room for its warnings), before the pool needs it.
"""

from __future__ import annotations

import contextlib
import os
import threading

__all__ = ["start_resource_tracker"]

_lock = threading.Lock()


def start_resource_tracker() -> None:
    """Make sure multiprocessing's resource tracker runs (blocking: call it in a thread)."""
    from multiprocessing import resource_tracker  # not at launch: only for a refresh

    with _lock, open(os.devnull, "w") as null, contextlib.redirect_stderr(null):
        resource_tracker.ensure_running()
