"""fetch → parse → store for N feeds, yielding one result per feed as it completes.

The CLI and the TUI both drive this generator; nothing here knows about either.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import multiprocessing
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from tui_reader.errors import describe, one_line
from tui_reader.fetch import UrlFetcher
from tui_reader.models import (
    Config,
    FeedConfig,
    FeedResult,
    FetchResult,
    ParsedFeed,
    RuleConfig,
)
from tui_reader.parse import ParseError, parse_feed
from tui_reader.store import FeedState, Store, StoreError
from tui_reader.store.feeds import RefreshedFeed

# The fetcher refresh takes: the one fetcher Protocol (the name is kept for callers).
FeedFetcher = UrlFetcher


@dataclass(frozen=True, slots=True)
class RefreshSummary:
    """Totals for a finished refresh, for `refresh --json` and the TUI's notification."""

    results: tuple[FeedResult, ...]
    elapsed_s: float

    @property
    def new_items(self) -> int:
        """New items over all feeds."""
        return sum(result.new_items for result in self.results)

    @property
    def errors(self) -> tuple[FeedResult, ...]:
        """The feeds that failed."""
        return tuple(result for result in self.results if result.status == "error")

    def to_json(self) -> dict[str, object]:
        """SPEC's `refresh --json` shape."""
        return {
            "feeds": [
                {
                    "name": r.name,
                    "url": r.url,
                    "status": r.status,
                    "new_items": r.new_items,
                    "error": r.error,
                }
                for r in self.results
            ],
            "new_items": self.new_items,
            "elapsed_s": round(self.elapsed_s, 3),
        }


# From this many feeds on, parsing runs in worker processes: feedparser is pure Python and
# holds the GIL, so threads cannot parse two feeds at once (nor keep the UI responsive while
# they parse). Below it, starting the workers (≈ 0.1 s) costs more than it saves.
PROCESS_POOL_MIN_FEEDS = 8

# The CLI parses the first feed bodies, up to this many bytes, in a thread of its own
# process: a refresh where a few feeds changed (20 feeds of 450 KB) starts no workers.
CLI_INLINE_PARSE_BYTES = 10_000_000

# Feeds parsed while the writer was busy are stored in one transaction, up to this many
# entries: fewer commits and search-index segments, and a write lock held no longer than
# one feed's used to be (the TUI writes read marks on its loop, waiting for that lock).
WRITE_BATCH_ENTRIES = 200


class _LazyProcessPool(Executor):
    """A process pool started on the first parse: a refresh where every feed answers 304
    (or sends the same bytes) never pays for starting the workers.

    Starting it blocks (the forkserver imports the parser before it forks the first worker),
    so callers on an event loop `await pool.ensure_started()` first, which starts it in a
    thread; `submit` alone still works, for callers that do not mind blocking.
    """

    def __init__(self, workers: int, inline_bytes: int = 0) -> None:
        self._workers = workers
        self._pool: Executor | None = None
        self._lock = threading.Lock()
        # Feed bodies up to this many bytes in all are parsed in one thread of this process
        # while the workers are not started (see `place`).
        self._inline_left = inline_bytes
        self._inline: ThreadPoolExecutor | None = None
        self._closed = False

    def _start(self) -> Executor:
        with self._lock:
            if self._pool is None:
                if self._closed:
                    raise RuntimeError("the parse workers were shut down")
                try:
                    # A forkserver, never a plain fork: the caller has threads (the store
                    # writer, Textual's) and forking a threaded process can copy a held lock.
                    context = multiprocessing.get_context("forkserver")
                    # The main script too: the forkserver imports it once, otherwise every
                    # worker imports it again (and the CLI with it) before its first job.
                    context.set_forkserver_preload(["__main__", "tui_reader.parse"])
                    # Niced: parsing yields the CPU to the process that stores the results
                    # and, in the TUI, answers keys.
                    pool = ProcessPoolExecutor(
                        max_workers=self._workers,
                        mp_context=context,
                        initializer=os.nice,
                        initargs=(10,),
                    )
                    # Start every worker now, off the caller's loop, rather than on a submit.
                    for future in [pool.submit(int) for _ in range(self._workers)]:
                        future.result()
                    self._pool = pool
                except (OSError, ValueError, ImportError):  # no forkserver here: threads
                    self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse")
            return self._pool

    async def ensure_started(self) -> None:
        """Start the workers in a thread, so that an event loop never waits for them."""
        if self._pool is None:
            await asyncio.to_thread(self._start)

    def no_inline(self) -> None:
        """Parse nothing in this process: many bodies are coming."""
        self._inline_left = 0

    async def place(self, size: int) -> Executor:
        """Where to parse a body of `size` bytes: in this process's parse thread while the
        bodies so parsed stay within the inline budget and the workers are not started (a
        refresh where a few feeds changed never pays for starting them), else the workers."""
        if self._pool is None and size <= self._inline_left:
            self._inline_left -= size
            if self._inline is None:
                self._inline = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse")
            return self._inline
        self._inline_left = 0  # from now on, every parse goes to the workers
        await self.ensure_started()
        assert self._pool is not None
        return self._pool

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        return (self._pool or self._start()).submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._inline is not None:
            self._inline.shutdown(wait=wait, cancel_futures=cancel_futures)
        with self._lock:  # workers being started (early, see Refresher.refresh) are stopped too
            self._closed = True
            pool = self._pool
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def parse_process_pool(feed_count: int, *, inline_bytes: int = 0) -> Executor | None:
    """A pool of parser processes for a refresh of `feed_count` feeds, or None for threads.

    With `inline_bytes`, the first bodies (up to that many bytes in all) are parsed in a
    thread of this process instead, and the workers start only if more come: for the CLI,
    where no interface waits on the GIL.
    """
    cpus = os.cpu_count() or 1
    if feed_count < PROCESS_POOL_MIN_FEEDS or cpus < 2:
        return None
    return _LazyProcessPool(min(cpus, 8, feed_count), inline_bytes)


async def _start_early(pool: _LazyProcessPool) -> None:
    """Start `pool`'s workers ahead of the first parse (unless the refresh ended first)."""
    with contextlib.suppress(RuntimeError):
        await pool.ensure_started()


def _never_read(state: FeedState | None) -> bool:
    """Whether a feed has never been read (a refresh gets its whole body to parse)."""
    return state is None or (state.body_hash is None and state.last_status != "error")


def utc_now_iso() -> str:
    """The current time as the ISO 8601 UTC string the store uses."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def record_outcome(
    store: Store,
    url: str,
    status: str,
    when: str,
    *,
    fetched: FetchResult | None = None,
    body_hash: str | None = None,
    error: str | None = None,
) -> None:
    """Record one fetch of `url`: the validators of `fetched` are kept (none without it)."""
    store.record_fetch(
        url,
        status=status,
        etag=fetched.etag if fetched is not None else None,
        last_modified=fetched.last_modified if fetched is not None else None,
        body_hash=body_hash,
        error=error,
        when=when,
    )


class Refresher:
    """Refreshes feeds into a store; parse work runs on `parse_executor`, writes on one thread.

    Store writes go through a single thread so that SQLite sees one writer at a time
    from this process, instead of threads queueing on the database lock.
    """

    def __init__(
        self,
        store: Store,
        fetcher: FeedFetcher,
        *,
        parse_executor: Executor | None = None,
        now: Callable[[], str] = utc_now_iso,
        rules: Sequence[RuleConfig] = (),
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.parse_executor = parse_executor
        self.now = now
        self.rules = tuple(rules)  # [[rules]], applied to new items as soon as they are stored
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        # Parsed feeds waiting for the writer, stored together (see `_store_batched`).
        self._pending: list[tuple[RefreshedFeed, asyncio.Future[int]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._starting: asyncio.Task[None] | None = None  # the parse workers, started early

    def close(self) -> None:
        """Release the writer thread."""
        self._writer.shutdown(wait=True)

    async def _write(self, func: Callable[..., object], *args: object, **kwargs: object) -> object:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, partial(func, *args, **kwargs))

    async def refresh(self, feeds: Sequence[FeedConfig]) -> AsyncIterator[FeedResult]:
        """Refresh `feeds` concurrently, yielding each feed's result as soon as it is done."""
        loop = asyncio.get_running_loop()
        states: dict[str, FeedState] = await loop.run_in_executor(
            self._writer, self.store.feed_states
        )
        pool = self.parse_executor
        if isinstance(pool, _LazyProcessPool):
            # Feeds never read before all send a body to parse: with many, start the workers
            # now, while the first downloads run, instead of parsing the first bodies here.
            unread = sum(1 for feed in feeds if _never_read(states.get(feed.url)))
            if unread >= PROCESS_POOL_MIN_FEEDS:
                pool.no_inline()
                self._starting = asyncio.create_task(_start_early(pool))
        tasks = [
            asyncio.create_task(self._refresh_one(feed, states.get(feed.url))) for feed in feeds
        ]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()

    async def _refresh_one(self, feed: FeedConfig, state: FeedState | None) -> FeedResult:
        try:
            return await self._fetch_parse_store(feed, state)
        except (asyncio.CancelledError, StoreError):
            # A database that cannot be written (full disk, read-only, locked) is not this
            # feed's failure: it ends the refresh with one line naming the file (exit 1).
            raise
        except Exception as error:  # a feed's failure must never escape its feed
            message = describe(error)
            with contextlib.suppress(Exception):
                return await self._failed(feed, message, self.now())
            return FeedResult(feed.name, feed.url, "error", 0, message)

    async def _unchanged(
        self, feed: FeedConfig, fetched: FetchResult, body_hash: str | None, when: str
    ) -> FeedResult:
        """Record a feed that has nothing new (a 304, or the same bytes as last time)."""
        await self._write(
            record_outcome,
            self.store,
            feed.url,
            "not_modified",
            when,
            fetched=fetched,
            body_hash=body_hash,
        )
        return FeedResult(feed.name, feed.url, "not_modified", 0, None)

    async def _failed(self, feed: FeedConfig, message: str, when: str) -> FeedResult:
        """Record `feed`'s failure (its validators are kept for next time) and report it."""
        await self._write(record_outcome, self.store, feed.url, "error", when, error=message)
        return FeedResult(feed.name, feed.url, "error", 0, message)

    async def _fetch_parse_store(self, feed: FeedConfig, state: FeedState | None) -> FeedResult:
        fetched = await self.fetcher.fetch(
            feed.url,
            etag=state.etag if state else None,
            last_modified=state.last_modified if state else None,
        )
        now = self.now()
        if fetched.status == "not_modified":
            return await self._unchanged(feed, fetched, None, now)
        if fetched.status != "ok" or fetched.body is None:
            return await self._failed(feed, one_line(fetched.error or "empty response"), now)

        body_hash = hashlib.blake2b(fetched.body, digest_size=16).hexdigest()
        if state is not None and state.body_hash == body_hash and state.last_status != "error":
            # Same bytes as last time: nothing can have changed, so skip parsing entirely.
            return await self._unchanged(feed, fetched, body_hash, now)

        loop = asyncio.get_running_loop()
        job = partial(
            parse_feed,
            fetched.body,
            url=fetched.final_url or feed.url,
            content_type=fetched.content_type,
            fetched_at=now,
            deferred=True,  # Markdown is made when an article is first shown (issue 11)
        )
        executor = self.parse_executor
        if isinstance(executor, _LazyProcessPool):
            executor = await executor.place(len(fetched.body))
        try:
            try:
                parsed: ParsedFeed = await loop.run_in_executor(executor, job)
            except BrokenProcessPool:  # a worker died (killed, out of memory): parse here
                parsed = await loop.run_in_executor(None, job)
        except ParseError as error:
            return await self._failed(feed, one_line(str(error)), now)

        new_items = await self._store_batched(
            RefreshedFeed(
                feed.url,
                parsed.entries,
                now,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                body_hash=body_hash,
            )
        )
        return FeedResult(feed.name, feed.url, "ok", new_items, None)

    async def _store_batched(self, feed: RefreshedFeed) -> int:
        """Store a parsed feed with those parsed while the writer was busy: one transaction
        for them all (`Store.write_refreshed`). Returns the feed's count of new items."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[int] = loop.create_future()
        self._pending.append((feed, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await done

    async def _flush(self) -> None:
        """Hand the pending feeds to the writer, a batch at a time, until none is left."""
        while self._pending:
            batch: list[tuple[RefreshedFeed, asyncio.Future[int]]] = []
            rest: list[tuple[RefreshedFeed, asyncio.Future[int]]] = []
            size = 0
            for item in self._pending:
                if batch and size + len(item[0].entries) > WRITE_BATCH_ENTRIES:
                    rest.append(item)
                else:
                    batch.append(item)
                    size += len(item[0].entries)
            self._pending = rest
            try:
                counts = await self._write(self._store_batch, [feed for feed, _ in batch])
            except BaseException as error:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                if isinstance(error, asyncio.CancelledError):
                    raise
                continue
            assert isinstance(counts, list)
            for (_, done), count in zip(batch, counts, strict=True):
                if done.done():
                    continue
                if isinstance(count, BaseException):
                    done.set_exception(count)
                else:
                    done.set_result(count)

    def _store_batch(self, batch: list[RefreshedFeed]) -> list[int | Exception]:
        """In the writer thread: store `batch` in one transaction. A batch that fails for
        another reason than the database (which ends the refresh) is stored feed by feed,
        so that the failure stays the failing feed's own."""
        counts: list[int | Exception] = []
        try:
            counts += self.store.write_refreshed(batch)
        except StoreError:
            raise
        except Exception:
            if len(batch) == 1:
                raise
            for feed in batch:
                try:
                    counts += self.store.write_refreshed([feed])
                except StoreError:
                    raise
                except Exception as error:
                    counts.append(error)
        if self.rules and any(not isinstance(n, Exception) and n for n in counts):
            from tui_reader.rules import apply_to_new

            apply_to_new(self.store, self.rules)
        return counts


async def refresh_all(
    config: Config,
    store: Store,
    fetcher: FeedFetcher,
    *,
    feeds: Sequence[FeedConfig] | None = None,
    parse_executor: Executor | None = None,
    on_result: Callable[[FeedResult, int, int], None] | None = None,
    inline_parse_bytes: int = 0,
) -> RefreshSummary:
    """Refresh `feeds` (default: every configured feed), then purge old read items.

    Without a `parse_executor`, many feeds are parsed in a process pool (see
    `parse_process_pool`, which `inline_parse_bytes` is passed to) and a handful in the
    loop's default thread pool.
    """
    started = time.perf_counter()
    targets = tuple(config.feeds if feeds is None else feeds)
    own_pool = (
        parse_process_pool(len(targets), inline_bytes=inline_parse_bytes)
        if parse_executor is None
        else None
    )
    if own_pool is not None:
        parse_executor = own_pool
    refresher = Refresher(store, fetcher, parse_executor=parse_executor, rules=config.rules)
    results: list[FeedResult] = []
    try:
        async for result in refresher.refresh(targets):
            results.append(result)
            if on_result is not None:
                on_result(result, len(results), len(targets))
        if config.settings.keep_days:
            await refresher._write(store.purge, config.settings.keep_days, now=datetime.now(UTC))
    finally:
        # In a thread: joining the writer and the workers must not hold up an event loop.
        await asyncio.to_thread(refresher.close)
        if own_pool is not None:
            await asyncio.to_thread(own_pool.shutdown, wait=True, cancel_futures=True)
    order = {feed.url: index for index, feed in enumerate(targets)}
    results.sort(key=lambda result: order.get(result.url, 0))
    return RefreshSummary(tuple(results), time.perf_counter() - started)
