"""Running a whole async job on an event loop of its own, in a thread of its own.

A refresh of 200 feeds runs 16 httpx fetches at once; as coroutines on the reader's event
loop, httpx/httpcore/h11 took ~2 s of that loop's CPU, in slices between which a key
pressed meanwhile waited (the longest 50-115 ms). On a loop of its own, in another thread,
the same work only competes with the reader's loop for the GIL, which CPython hands over
every few milliseconds (`sys.getswitchinterval`): a key waits that long at most, not a
whole burst of callbacks.

While a job runs, the GIL's switch interval is 1 ms instead of 5: a thread that waits for
the GIL (the reader's loop, woken by a key or a timer) asks the running one to hand it over
after that long, and may have to ask again while the job's threads (fetches, the store's
writer, the parse results) take turns. On the 200-feed bench refresh, 4 interleaved pairs
on a shared 2-core machine: the longest loop stall 35-53 → 28-37 ms, the 99th percentile
14-18 → 13-15 ms, the refresh's CPU time unchanged.

`run_on_own_loop` is awaited on the reader's loop like any coroutine: it returns the job's
result or raises its exception, and cancelling it (quitting during a refresh) cancels the
job on its loop and waits for it to wind down (its `finally` blocks: the store's writer,
the parse workers) before the cancellation goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["run_on_own_loop"]

T = TypeVar("T")

SWITCH_INTERVAL_S = 0.001
"""The GIL's switch interval while a job runs (`sys.setswitchinterval`; CPython's is 5 ms)."""

_jobs = 0  # jobs running now (counted on the callers' loop)
_saved_interval = 0.0  # the switch interval before the first of them


def _job_started() -> None:
    global _jobs, _saved_interval
    if _jobs == 0:
        _saved_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(_saved_interval, SWITCH_INTERVAL_S))
    _jobs += 1


def _job_ended() -> None:
    global _jobs
    _jobs -= 1
    if _jobs == 0:
        sys.setswitchinterval(_saved_interval)


class _Job:
    """What the two loops share: the job's task and whether it was cancelled (both touched
    on the job's loop only, so no lock is needed)."""

    def __init__(self) -> None:
        self.task: asyncio.Task[Any] | None = None
        self.cancelled = False

    def cancel(self) -> None:
        """On the job's loop: cancel the job (before it starts, too)."""
        self.cancelled = True
        if self.task is not None:
            self.task.cancel()


async def run_on_own_loop(
    make_job: Callable[[], Coroutine[Any, Any, T]], *, name: str = "own-loop"
) -> T:
    """Run the coroutine `make_job()` on a new event loop in a new thread; return its result.

    `make_job` is called in that thread, on that loop: whatever the job makes (an httpx
    client, locks, futures) belongs to it. Callbacks for the caller's loop go through
    `loop.call_soon_threadsafe` (or Textual's `post_message`).
    """
    caller = asyncio.get_running_loop()
    outcome: asyncio.Future[T] = caller.create_future()
    finished: asyncio.Future[None] = caller.create_future()
    job = _Job()
    loop = asyncio.new_event_loop()

    def settle(
        future: asyncio.Future[Any], value: Any = None, error: BaseException | None = None
    ) -> None:
        if future.done():
            return
        if isinstance(error, asyncio.CancelledError):
            future.cancel()
        elif error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)

    async def body() -> T:
        job.task = asyncio.current_task()
        if job.cancelled:
            raise asyncio.CancelledError
        return await make_job()

    def main() -> None:
        value: Any = None
        error: BaseException | None = None
        try:
            with asyncio.Runner(loop_factory=lambda: loop) as runner:
                value = runner.run(body())
        except BaseException as exc:  # handed to the caller, which raises it
            error = exc
        with contextlib.suppress(RuntimeError):  # the caller's loop has closed: nobody waits
            caller.call_soon_threadsafe(settle, outcome, value, error)
            caller.call_soon_threadsafe(settle, finished)

    thread = threading.Thread(target=main, name=name, daemon=True)
    _job_started()
    try:
        thread.start()
        return await asyncio.shield(outcome)
    except asyncio.CancelledError:
        if not outcome.done():
            with contextlib.suppress(RuntimeError):  # the job's loop has closed: it is over
                loop.call_soon_threadsafe(job.cancel)
            # The job winds down (its finally blocks); a second cancellation stops waiting.
            await asyncio.shield(finished)
        if outcome.done() and not outcome.cancelled():
            outcome.exception()  # retrieved: the cancellation is what the caller sees
        raise
    finally:
        _job_ended()
