"""The HTTP stack's own lazy imports, done in a thread before the first fetch.

`tui_reader.fetch` imports httpx off the loop (`import_off_loop`), but httpx imports httpcore
only when a client builds its transport, and httpcore picks its async backend (importing
anyio's asyncio backend, and trio when it is installed) at the first request: both ran on
the event loop, at the start of every refresh of a new session (~100-200 ms of imports).
"""

from __future__ import annotations

import asyncio
import importlib

__all__ = ["import_http_stack"]

_done = False


async def _nothing() -> None:
    """An empty coroutine: running it with `anyio.run` loads anyio's asyncio backend."""


def _import_blocking() -> None:
    importlib.import_module("httpcore")
    anyio = importlib.import_module("anyio")
    anyio.run(_nothing)  # a throwaway loop in this thread: the backend module gets imported


async def import_http_stack() -> None:
    """Import what the first request would otherwise import on the loop (once)."""
    global _done
    if not _done:
        await asyncio.to_thread(_import_blocking)
        _done = True
