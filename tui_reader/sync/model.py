"""The shapes both protocols are mapped to, and the protocol a client implements."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from tui_reader.sync.localstate import RemoteFeed

MAX_IDS = 500_000  # ids in one list: more is a hostile or broken server
MAX_ITEMS_PER_SYNC = 100_000
BATCH = 50  # items fetched by id per request (Fever's own maximum)
WINDOW = 3  # item requests in flight at once, while earlier batches are stored


async def windowed(
    batches: Sequence[Sequence[str]],
    fetch: Callable[[Sequence[str]], Awaitable[list[RemoteItem]]],
    take: Callable[[list[RemoteItem]], Awaitable[None]],
) -> None:
    """`take(await fetch(batch))` for every batch, in order, with WINDOW fetches in flight."""
    pending: deque[asyncio.Task[list[RemoteItem]]] = deque()
    try:
        for batch in batches:
            pending.append(asyncio.ensure_future(fetch(batch)))
            if len(pending) >= WINDOW:
                await take(await pending.popleft())
        while pending:
            await take(await pending.popleft())
    finally:
        for task in pending:
            task.cancel()
        for task in pending:
            with suppress(BaseException):
                await task


@dataclass(frozen=True, slots=True)
class RemoteItem:
    """An item as a server sends it, before it passes the feed items' gate."""

    remote_id: str
    feed_id: str
    title: Any
    link: Any
    author: Any
    html: Any
    published: datetime | None
    summary_html: Any = ""


@dataclass(frozen=True, slots=True)
class RemoteState:
    """The server's read and starred state: unread ids and starred ids."""

    unread: frozenset[str]
    starred: frozenset[str]


ItemSink = Callable[[Sequence[RemoteItem]], Awaitable[None]]


class SyncClient(Protocol):
    """What the engine needs from a protocol."""

    requests: int

    async def login(self) -> None:
        """Authenticate (raise AuthError on refusal)."""

    async def feeds(self) -> list[RemoteFeed]:
        """The subscribed feeds with their groups/categories."""

    async def state(self) -> RemoteState:
        """The unread and starred id lists."""

    async def pull_items(
        self, known: set[str], state: RemoteState, high_water: str | None, sink: ItemSink
    ) -> str | None:
        """Hand every item not in `known` to `sink` in batches; return the new high water."""

    async def push(self, field: str, value: bool, remote_ids: Sequence[str]) -> None:
        """Send one kind of change for these items."""


__all__ = [
    "BATCH",
    "MAX_IDS",
    "MAX_ITEMS_PER_SYNC",
    "ItemSink",
    "RemoteFeed",
    "RemoteItem",
    "RemoteState",
    "SyncClient",
    "windowed",
]
