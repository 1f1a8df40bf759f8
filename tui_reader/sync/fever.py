"""Fever API client (FreshRSS, Miniflux, CommaFeed, TT-RSS plugin, coldsweat, yarr).

The local copy is built from the id lists (`unread_item_ids`, `saved_item_ids`) and from
`since_id` scans whose gaps are filled with `with_ids`, since some servers (coldsweat) do not
return `since_id` pages in id order. Items are fetched by id, at most 50 per request.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tui_reader.i18n import _
from tui_reader.models import AccountConfig
from tui_reader.sync.accounts import Secret
from tui_reader.sync.http import AccountClient, AuthError, HttpClient, HttpStatusError
from tui_reader.sync.localstate import RemoteFeed
from tui_reader.sync.model import (
    BATCH,
    MAX_IDS,
    MAX_ITEMS_PER_SYNC,
    WINDOW,
    ItemSink,
    RemoteItem,
    RemoteState,
    windowed,
)
from tui_reader.text import clean_text

_MAX_ID_VALUE = 2**63 - 1
_MAX_GAP_SCAN = 20_000  # ids probed by with_ids between two since_id answers


class FeverClient(AccountClient):
    """One account's Fever endpoint; `http` must be open while it is used."""

    def __init__(self, account: AccountConfig, password: Secret, http: HttpClient) -> None:
        super().__init__(account, http)
        # The Fever API defines its key as this MD5.
        digest = hashlib.md5(
            f"{account.username}:{password.reveal()}".encode(), usedforsecurity=False
        ).hexdigest()
        self._api_key = Secret(digest)
        http.secrets.extend([password.reveal(), digest])

    async def _call(
        self,
        *commands: str,
        form: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """One API call; every answer must say `auth: 1`, or nothing it says is trusted."""
        query: list[tuple[str, str]] = [("api", "")]
        query += [(command, "") for command in commands]
        query += list((params or {}).items())
        data = {"api_key": self._api_key.reveal(), **(form or {})}
        answer = await self.http.json("POST", self.account.url, params=query, data=data)
        if not isinstance(answer, dict) or ("api_version" not in answer and "auth" not in answer):
            raise self.http.fail(_("the answer is not a Fever API answer; check the url"))
        if answer.get("auth") != 1:
            raise self.http.fail(_("wrong username or password"), AuthError)
        return answer

    async def login(self) -> None:
        """Nothing to do: the Fever API key goes with, and is checked on, every call."""

    async def feeds(self) -> list[RemoteFeed]:
        groups_answer = await self._call("groups")
        feeds_answer = await self._call("feeds")
        groups = {}
        for group in _list(groups_answer.get("groups")):
            if isinstance(group, dict):
                title = _title(group.get("title"))
                if title:
                    groups[str(group.get("id"))] = title
        by_feed: dict[str, list[str]] = {}
        for link in _list(groups_answer.get("feeds_groups")):
            if not isinstance(link, dict):
                continue
            group_title = groups.get(str(link.get("group_id")))
            if group_title is None:
                continue
            for member in _ids(link.get("feed_ids"), self.http):
                by_feed.setdefault(member, []).append(group_title)
        result = []
        for feed in _list(feeds_answer.get("feeds")):
            if not isinstance(feed, dict):
                continue
            remote = _one_id(feed.get("id"))
            if remote is None:
                continue
            title = _title(feed.get("title")) or _title(feed.get("url")) or f"feed {remote}"
            result.append(RemoteFeed(remote, title, tuple(by_feed.get(remote, ()))))
        return result

    async def state(self) -> RemoteState:
        # Tens of thousands of ids take tens of milliseconds to check: off the event loop.
        answer = await self._call("unread_item_ids")
        unread = await asyncio.to_thread(_ids, answer.get("unread_item_ids"), self.http)
        answer = await self._call("saved_item_ids")
        saved = await asyncio.to_thread(_ids, answer.get("saved_item_ids"), self.http)
        return RemoteState(frozenset(unread), frozenset(saved))

    async def _items(self, **params: str) -> list[RemoteItem]:
        answer = await self._call("items", params=params)
        items = []
        for raw in _list(answer.get("items"))[: BATCH * 4]:
            item = _item(raw)
            if item is not None:
                items.append(item)
        return items

    async def pull_items(
        self, known: set[str], state: RemoteState, high_water: str | None, sink: ItemSink
    ) -> str | None:
        seen = set(known)
        budget = MAX_ITEMS_PER_SYNC

        async def take(items: list[RemoteItem]) -> None:
            nonlocal budget
            fresh = [item for item in items if item.remote_id not in seen]
            seen.update(item.remote_id for item in fresh)
            if fresh:
                budget -= len(fresh)
                if budget < 0:
                    raise self.http.fail(
                        _("the server sent more than {n} items in one sync").format(
                            n=MAX_ITEMS_PER_SYNC
                        )
                    )
                await sink(fresh)

        async def fetch(batch: Sequence[str]) -> list[RemoteItem]:
            return await self._items(with_ids=",".join(batch))

        async def by_ids(ids: Sequence[str]) -> None:
            batches = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
            await windowed(batches, fetch, take)

        # Unread and saved items first: the ones a reader wants.
        wanted = sorted((state.unread | state.starred) - seen, key=int, reverse=True)
        await by_ids(wanted)
        # Then every other item (read ones included), from the high water mark up.
        mark = int(high_water) if high_water and high_water.isdigit() else 0

        async def fill_gap(low: int, high: int) -> bool:
            """Ask by id for the unknown ids in (low, high) when ids there are dense
            (coldsweat's are; FreshRSS's are timestamps, and it orders since_id pages).
            True when the whole gap was covered."""
            size = high - low - 1
            inside = sum(1 for i in seen if low < int(i) < high)
            if size > _MAX_GAP_SCAN or size > max(_MAX_GAP_SCAN // 10, 4 * inside):
                return False
            await by_ids([str(i) for i in range(low + 1, high) if str(i) not in seen])
            return True

        top_seen = max((int(i) for i in seen), default=0)
        if top_seen > mark and await fill_gap(mark, top_seen + 1):
            # Items below the highest id we hold that the id lists did not name (read on
            # another client) came by id: no paging again through what we hold.
            mark = top_seen
        for _round in range(MAX_ITEMS_PER_SYNC // BATCH + 1):
            items = await self._items(since_id=str(mark))
            above = [item for item in items if int(item.remote_id) > mark]
            if not above:
                break
            await take(above)
            top = max(int(item.remote_id) for item in above)
            if len(items) >= BATCH:
                # The page may not hold the lowest ids above the mark: fill the gap by id.
                await fill_gap(mark, top)
            mark = top
        return str(mark)

    async def push(self, field: str, value: bool, remote_ids: Sequence[str]) -> None:
        verb = {
            ("read", True): "read",
            ("read", False): "unread",
            ("bookmarked", True): "saved",
            ("bookmarked", False): "unsaved",
        }[(field, value)]
        slots = asyncio.Semaphore(WINDOW)

        async def mark(remote_id: str) -> None:
            async with slots:
                try:
                    await self._call(form={"mark": "item", "as": verb, "id": remote_id})
                except HttpStatusError as error:
                    if error.status != 404:  # 404: the item is gone from the server; drop it
                        raise

        # One item per request in Fever: a few at once. A failure cancels the rest; the
        # whole batch stays in the outbox and is sent again (marking is idempotent).
        try:
            async with asyncio.TaskGroup() as group:
                for remote_id in remote_ids:
                    group.create_task(mark(remote_id))
        except BaseExceptionGroup as failed:
            raise failed.exceptions[0] from None  # the first failure, as one line


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _title(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return clean_text(value, single_line=True).strip()[:300]


def _one_id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 <= value <= _MAX_ID_VALUE:
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        return str(int(value))
    return None


def _ids(value: Any, http: HttpClient) -> list[str]:
    """A Fever id list ("1,2,3", or a JSON list of numbers) as strings; SyncError when bad."""
    if value is None or value == "":
        return []
    parts: list[Any]
    if isinstance(value, str):
        if len(value) > MAX_IDS * 20:
            raise http.fail(_("the server sent too many item ids"))
        parts = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        parts = value
    elif isinstance(value, int) and not isinstance(value, bool):
        parts = [value]
    else:
        raise http.fail(_("the server sent item ids that are not numbers"))
    if len(parts) > MAX_IDS:
        raise http.fail(_("the server sent too many item ids"))
    ids = []
    for part in parts:
        one = _one_id(part)
        if one is None:
            raise http.fail(_("the server sent item ids that are not numbers"))
        ids.append(one)
    return ids


def _item(raw: Any) -> RemoteItem | None:
    if not isinstance(raw, dict):
        return None
    remote_id = _one_id(raw.get("id"))
    feed_id = _one_id(raw.get("feed_id"))
    if remote_id is None or feed_id is None:
        return None
    published = None
    stamp = raw.get("created_on_time")
    if isinstance(stamp, int | float) and not isinstance(stamp, bool) and 0 < stamp < 2**33:
        published = datetime.fromtimestamp(stamp, UTC)
    return RemoteItem(
        remote_id=remote_id,
        feed_id=feed_id,
        title=raw.get("title"),
        link=raw.get("url"),
        author=raw.get("author"),
        html=raw.get("html"),
        published=published,
    )
