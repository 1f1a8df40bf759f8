"""Google Reader API client (FreshRSS, Miniflux, Inoreader, The Old Reader, BazQux).

`url` is the API base: FreshRSS `https://host/api/greader.php`, Miniflux `https://host`.
ClientLogin gives the `Auth` token; `/reader/api/0/token` gives the short-lived `T` token that
writes need; a write answered with `X-Reader-Google-Bad-Token` fetches a new one and retries.
Ids come short (decimal, from `stream/items/ids`) or long
(`tag:google.com,2005:reader/item/<16 hex>`, in item contents); both become the same decimal.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tui_reader.i18n import _
from tui_reader.models import AccountConfig
from tui_reader.sync.accounts import Secret
from tui_reader.sync.http import AccountClient, AuthError, HttpClient
from tui_reader.sync.localstate import RemoteFeed
from tui_reader.sync.model import (
    BATCH,
    MAX_IDS,
    MAX_ITEMS_PER_SYNC,
    ItemSink,
    RemoteItem,
    RemoteState,
    windowed,
)
from tui_reader.text import clean_text

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LONG_PREFIX = "tag:google.com,2005:reader/item/"
PAGE = 10_000  # ids per stream/items/ids page
OVERLAP_S = 86_400  # incremental id scans look this far behind the last sync
_TAGS = {"read": READ, "bookmarked": STARRED}


def normalize_id(value: Any) -> str | None:
    """A GReader item id (long or short form) as an unsigned decimal string; None if invalid."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.startswith(LONG_PREFIX):
        digits = value[len(LONG_PREFIX) :]
        if not 1 <= len(digits) <= 16 or any(c not in "0123456789abcdefABCDEF" for c in digits):
            return None
        number = int(digits, 16)
    elif isinstance(value, str) and value.lstrip("-").isdigit() and value.isascii():
        if len(value) > 20:
            return None
        number = int(value)
    else:
        return None
    if number < 0:
        number += 2**64
    if not 0 <= number < 2**64:
        return None
    return str(number)


def long_id(decimal: str) -> str:
    """The long form of a normalized id (accepted by every server in `i=`)."""
    return f"{LONG_PREFIX}{int(decimal):016x}"


class GReaderClient(AccountClient):
    """One account's Google Reader API endpoint; `http` must be open while it is used."""

    def __init__(self, account: AccountConfig, password: Secret, http: HttpClient) -> None:
        super().__init__(account, http)
        self._password = password
        self._auth: Secret | None = None
        self._token: Secret | None = None
        self._base = account.url.rstrip("/")
        self._started = int(time.time())
        http.secrets.append(password.reveal())

    def _headers(self) -> dict[str, str]:
        assert self._auth is not None
        return {"Authorization": f"GoogleLogin auth={self._auth.reveal()}"}

    async def login(self) -> None:
        _status, body = await self.http.request(
            "POST",
            f"{self._base}/accounts/ClientLogin",
            data={"Email": self.account.username, "Passwd": self._password.reveal()},
        )
        auth = ""
        for line in body.decode("utf-8", "replace").splitlines():
            if line.startswith("Auth="):
                auth = line[5:].strip()
        if not auth or len(auth) > 4096 or not auth.isprintable():
            raise self.http.fail(_("wrong username or password (no Auth token)"), AuthError)
        self._auth = Secret(auth)
        self.http.secrets.append(auth)

    async def _get(self, path: str, params: list[tuple[str, str]]) -> dict[str, Any]:
        answer = await self.http.json(
            "GET",
            f"{self._base}/reader/api/0/{path}",
            params=[*params, ("output", "json")],
            headers=self._headers(),
        )
        if not isinstance(answer, dict):
            raise self.http.fail(_("the answer is not a Google Reader API answer; check the url"))
        return answer

    async def _token_value(self, fresh: bool = False) -> str:
        if self._token is None or fresh:
            _status, body = await self.http.request(
                "GET", f"{self._base}/reader/api/0/token", headers=self._headers()
            )
            token = body.decode("utf-8", "replace").strip()
            if not token or len(token) > 1024 or not token.isprintable():
                raise self.http.fail(_("the server sent no write token"))
            self._token = Secret(token)
            self.http.secrets.append(token)
        return self._token.reveal()

    async def _post(self, path: str, form: list[tuple[str, str]]) -> bytes:
        """A write with the T token; an expired token is fetched again, once."""
        url = f"{self._base}/reader/api/0/{path}"
        for attempt in (0, 1):
            token = await self._token_value(fresh=attempt == 1)
            try:
                _status, body = await self.http.request(
                    "POST", url, data=[*form, ("T", token)], headers=self._headers()
                )
            except AuthError as error:
                if attempt == 0 and error.bad_token:
                    continue
                raise
            return body
        raise self.http.fail(_("the server refused a fresh write token"))

    async def feeds(self) -> list[RemoteFeed]:
        answer = await self._get("subscription/list", [])
        result = []
        raw = answer.get("subscriptions")
        for sub in raw if isinstance(raw, list) else []:
            if not isinstance(sub, dict) or not isinstance(sub.get("id"), str):
                continue
            feed_id = clean_text(sub["id"], single_line=True)[:500]
            if not feed_id:
                continue
            title = _text(sub.get("title")) or _text(sub.get("url")) or feed_id
            categories = []
            cats = sub.get("categories")
            for category in cats if isinstance(cats, list) else []:
                if isinstance(category, dict):
                    label = _text(category.get("label")) or _label(category.get("id"))
                    if label:
                        categories.append(label)
            result.append(RemoteFeed(feed_id, title, tuple(dict.fromkeys(categories))))
        return result

    async def _ids(self, params: list[tuple[str, str]]) -> list[str]:
        ids: list[str] = []
        continuation = ""
        for _page in range(MAX_IDS // PAGE + 1):
            query = [*params, ("n", str(PAGE))]
            if continuation:
                query.append(("c", continuation))
            answer = await self._get("stream/items/ids", query)
            refs = answer.get("itemRefs")
            if refs is None:
                refs = []
            if not isinstance(refs, list):
                raise self.http.fail(_("the server sent item ids that are not numbers"))
            page = await asyncio.to_thread(_page_ids, refs)  # off the loop: 10,000 a page
            if page is None:
                raise self.http.fail(_("the server sent item ids that are not numbers"))
            ids += page
            if len(ids) > MAX_IDS:
                raise self.http.fail(_("the server sent too many item ids"))
            next_page = answer.get("continuation")
            if not refs or not isinstance(next_page, str) or not next_page:
                return ids
            if next_page == continuation:
                raise self.http.fail(_("the server repeats the same page of ids"))
            continuation = next_page
        raise self.http.fail(_("the server sent too many item ids"))

    async def state(self) -> RemoteState:
        unread = await self._ids([("s", READING_LIST), ("xt", READ)])
        starred = await self._ids([("s", STARRED)])
        return RemoteState(frozenset(unread), frozenset(starred))

    async def pull_items(
        self, known: set[str], state: RemoteState, high_water: str | None, sink: ItemSink
    ) -> str | None:
        params = [("s", READING_LIST)]
        if high_water and high_water.isdigit():
            params.append(("ot", str(max(0, int(high_water) - OVERLAP_S))))
        every = await self._ids(params)
        wanted = list(dict.fromkeys([*sorted(state.unread | state.starred, key=int), *every]))
        missing = [remote_id for remote_id in wanted if remote_id not in known]
        if len(missing) > MAX_ITEMS_PER_SYNC:
            raise self.http.fail(
                _("the server sent more than {n} items in one sync").format(n=MAX_ITEMS_PER_SYNC)
            )
        seen = set(known)

        async def fetch(batch: Sequence[str]) -> list[RemoteItem]:
            body = await self._post("stream/items/contents", [("i", long_id(i)) for i in batch])
            answer = await _json_object(self.http, body)
            raw = answer.get("items")
            found = []
            for entry in (raw if isinstance(raw, list) else [])[: BATCH * 2]:
                item = _item(entry)
                if item is not None:
                    found.append(item)
            return found

        async def take(items: list[RemoteItem]) -> None:
            fresh = [item for item in items if item.remote_id not in seen]
            seen.update(item.remote_id for item in fresh)
            if fresh:
                await sink(fresh)

        if missing:
            await self._token_value()  # once, before the requests in flight need it
        batches = [missing[start : start + BATCH] for start in range(0, len(missing), BATCH)]
        await windowed(batches, fetch, take)
        return str(self._started)

    async def push(self, field: str, value: bool, remote_ids: Sequence[str]) -> None:
        form = [("i", long_id(remote_id)) for remote_id in remote_ids]
        form.append(("a" if value else "r", _TAGS[field]))
        await self._post("edit-tag", form)


def _page_ids(refs: list[Any]) -> list[str] | None:
    """The normalized ids of `itemRefs`, or None when one is not a number."""
    ids = []
    for ref in refs:
        normalized = normalize_id(ref.get("id") if isinstance(ref, dict) else None)
        if normalized is None:
            return None
        ids.append(normalized)
    return ids


async def _json_object(http: HttpClient, body: bytes) -> dict[str, Any]:
    answer = await asyncio.to_thread(http._decode_json, body)
    if not isinstance(answer, dict):
        raise http.fail(_("the answer is not a Google Reader API answer; check the url"))
    return answer


def _text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return clean_text(value, single_line=True).strip()[:300]


def _label(value: Any) -> str:
    """`user/-/label/Tech` (or `user/123/label/Tech`) → "Tech"."""
    if isinstance(value, str) and "/label/" in value:
        return _text(value.split("/label/", 1)[1])
    return ""


def _href(value: Any) -> str:
    if isinstance(value, list):
        for link in value:
            if isinstance(link, dict) and isinstance(link.get("href"), str):
                return str(link["href"])
    return ""


def _content(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return str(value["content"])
    return ""


def _item(raw: Any) -> RemoteItem | None:
    if not isinstance(raw, dict):
        return None
    remote_id = normalize_id(raw.get("id"))
    origin = raw.get("origin")
    stream = origin.get("streamId") if isinstance(origin, dict) else None
    if remote_id is None or not isinstance(stream, str):
        return None
    published = None
    stamp = raw.get("published")
    if isinstance(stamp, str) and stamp.isdigit():
        stamp = int(stamp)
    if isinstance(stamp, int | float) and not isinstance(stamp, bool) and 0 < stamp < 2**33:
        published = datetime.fromtimestamp(stamp, UTC)
    body = _content(raw.get("content"))
    summary = _content(raw.get("summary"))
    return RemoteItem(
        remote_id=remote_id,
        feed_id=clean_text(stream, single_line=True)[:500],
        title=raw.get("title"),
        link=_href(raw.get("canonical")) or _href(raw.get("alternate")),
        author=raw.get("author"),
        html=body or summary,
        summary_html=summary if body else "",
        published=published,
    )
