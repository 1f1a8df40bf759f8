"""One engine for every protocol: push the outbox, then pull feeds, items and state.

Local-first: the store's state changes wrote the outbox in their own transaction; a sync
pushes it first (a change is removed only once the server took it), then pulls. A field
with a change still pending keeps its local value. Every step commits on its own, so a
sync killed at any moment resumes where it stopped and applies nothing twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from tui_reader.i18n import _
from tui_reader.models import AccountConfig, Config, ParsedEntry
from tui_reader.store import Store, StoreError
from tui_reader.sync import localstate
from tui_reader.sync.accounts import Secret, SyncError, resolve_password
from tui_reader.sync.http import HttpClient
from tui_reader.sync.model import RemoteItem, SyncClient

PUSH_BATCH = 100


@dataclass(frozen=True, slots=True)
class AccountResult:
    """The outcome of one account's sync (SPEC's `accounts` entries)."""

    name: str
    kind: str
    status: str  # "ok" | "error"
    new_items: int = 0
    pushed: int = 0
    error: str | None = None
    requests: int = 0

    def to_json(self) -> dict[str, Any]:
        """SPEC's shape."""
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "new_items": self.new_items,
            "pushed": self.pushed,
            "error": self.error,
        }


def make_client(account: AccountConfig, http: HttpClient, password: Secret) -> SyncClient:
    """The protocol client of `account`."""
    if account.kind == "fever":
        from tui_reader.sync.fever import FeverClient

        return FeverClient(account, password, http)
    from tui_reader.sync.greader import GReaderClient

    return GReaderClient(account, password, http)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _entries(items: Sequence[RemoteItem], fetched_at: str) -> dict[str, list[ParsedEntry]]:
    """Items through the feed entries' gate, grouped by remote feed id (runs in a thread)."""
    from tui_reader.parse import server_entry

    by_feed: dict[str, list[ParsedEntry]] = {}
    for item in items:
        entry = server_entry(
            guid=item.remote_id,
            title=item.title,
            link=item.link,
            author=item.author,
            html=item.html,
            summary_html=item.summary_html,
            published=item.published,
            fetched_at=fetched_at,
        )
        by_feed.setdefault(item.feed_id, []).append(entry)
    return by_feed


async def push_outbox(client: SyncClient, store: Store, account: str) -> int:
    """Send the pending changes; each is removed from the outbox once the server has it."""
    changes = await asyncio.to_thread(localstate.pending_changes, store, account)
    groups: dict[tuple[str, bool], list[tuple[str, int]]] = {}
    for remote_id, field, value, last_id in changes:
        groups.setdefault((field, value), []).append((remote_id, last_id))
    pushed = 0
    for (field, value), rows in groups.items():
        for start in range(0, len(rows), PUSH_BATCH):
            batch = rows[start : start + PUSH_BATCH]
            await client.push(field, value, [remote_id for remote_id, _ in batch])
            await asyncio.to_thread(
                localstate.mark_pushed,
                store,
                account,
                [(remote_id, field, last_id) for remote_id, last_id in batch],
            )
            pushed += len(batch)
    return pushed


async def sync_with_client(
    client: SyncClient, store: Store, account: AccountConfig
) -> tuple[int, int]:
    """Push, then pull; return `(new_items, pushed)`. Raises SyncError/StoreError."""
    name = account.name
    await client.login()
    pushed = await push_outbox(client, store, name)
    feeds = await client.feeds()
    urls = await asyncio.to_thread(localstate.save_feeds, store, name, feeds, account.tags)
    state = await client.state()
    known = await asyncio.to_thread(localstate.known_item_ids, store, name)
    previous = await asyncio.to_thread(localstate.account_state, store, name)
    fetched_at = _now_iso()
    new_items = 0

    async def sink(items: Sequence[RemoteItem]) -> None:
        nonlocal new_items
        by_feed = await asyncio.to_thread(_entries, items, fetched_at)

        def store_them() -> int:
            count = 0
            for feed_id, entries in by_feed.items():
                url = urls.get(feed_id)
                if url is not None:  # an item of a feed the server did not list: skipped
                    count += store.upsert_entries(url, entries, now=fetched_at)
            return count

        new_items += await asyncio.to_thread(store_them)
        # State of the new items right away: a kill before the end loses nothing.
        await asyncio.to_thread(
            localstate.apply_remote_state,
            store,
            name,
            state.unread,
            state.starred,
            {item.remote_id for item in items},
        )

    high_water = await client.pull_items(
        known, state, previous.high_water if previous else None, sink
    )
    if high_water is not None:
        await asyncio.to_thread(localstate.save_high_water, store, name, account.kind, high_water)
    await asyncio.to_thread(localstate.apply_remote_state, store, name, state.unread, state.starred)
    return new_items, pushed


async def sync_account(
    account: AccountConfig,
    store: Store,
    *,
    timeout: float = 15.0,
    max_bytes: int = 50_000_000,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AccountResult:
    """Sync one account; every failure is the result's one-line `error`, never raised."""
    new_items = pushed = requests = 0
    status, error = "ok", None
    async with HttpClient(timeout=timeout, max_bytes=max_bytes, transport=transport) as http:
        try:
            # password_command may take a while (a keyring prompt): never on the loop.
            password = await asyncio.to_thread(resolve_password, account)
            client = make_client(account, http, password)
            new_items, pushed = await sync_with_client(client, store, account)
        except SyncError as exc:
            status, error = "error", str(exc)
        except StoreError as exc:
            status, error = "error", http.fail(str(exc)).args[0]
        except Exception as exc:  # the last resort: one line, secrets scrubbed
            status = "error"
            error = http.fail(
                _("unexpected error: {error}").format(error=f"{type(exc).__name__}: {exc}")
            ).args[0]
        requests = http.requests
    try:
        await asyncio.to_thread(
            localstate.record_sync,
            store,
            account.name,
            account.kind,
            status=status,
            error=error,
            when=_now_iso(),
        )
    except StoreError as exc:
        status, error = "error", str(exc)
    return AccountResult(account.name, account.kind, status, new_items, pushed, error, requests)


@dataclass(frozen=True, slots=True)
class SyncSummary:
    """Every account's result (SPEC's `sync --json`)."""

    accounts: tuple[AccountResult, ...]
    elapsed_s: float

    def to_json(self) -> dict[str, Any]:
        return {
            "accounts": [result.to_json() for result in self.accounts],
            "elapsed_s": round(self.elapsed_s, 3),
        }


async def sync_all(
    config: Config,
    store: Store,
    *,
    only: str | None = None,
    on_result: Callable[[AccountResult], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SyncSummary:
    """Sync every account (or the one named `only`), all at once."""
    started = time.monotonic()
    accounts = [a for a in config.accounts if only is None or a.name == only]
    configured = {account.name for account in config.accounts}
    if only is None:
        states = await asyncio.to_thread(localstate.all_account_states, store)
        for name in states.keys() - configured:
            await asyncio.to_thread(localstate.forget_account, store, name)

    async def one(account: AccountConfig) -> AccountResult:
        result = await sync_account(
            account,
            store,
            timeout=config.settings.timeout,
            max_bytes=max(config.settings.max_feed_bytes, 50_000_000),
            transport=transport,
        )
        if on_result is not None:
            on_result(result)
        return result

    results = await asyncio.gather(*(one(account) for account in accounts))
    return SyncSummary(tuple(results), time.monotonic() - started)
