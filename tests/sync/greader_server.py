"""A Google Reader API server for the tests, written from FreshRSS's and Miniflux's API docs.

Shapes follow what those servers send (FreshRSS `p/api/greader.php`, Miniflux
`internal/googlereader`): ClientLogin answers `SID=…\\nLSID=…\\nAuth=…`; `stream/items/ids`
gives short decimal ids with a `continuation`; `stream/items/contents` gives long
`tag:google.com,2005:reader/item/<16 hex>` ids, `origin.streamId`, `canonical`/`alternate`
links and `summary.content`; writes need the `T` token, and a stale one gets 401 with
`X-Reader-Google-Bad-Token: true`. State lives in memory; `log` records every request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BASE = "/api/greader.php"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"
LONG = "tag:google.com,2005:reader/item/"

# (method, path with query) → (status, headers, body), or None to answer normally.
Override = Callable[[str, str], tuple[int, dict[str, str], bytes] | None]


@dataclass
class Item:
    id: int
    feed: str
    title: str
    html: str
    link: str
    published: int
    read: bool = False
    starred: bool = False


@dataclass
class GReaderState:
    username: str = "me"
    password: str = "greader-password-42"
    auth: str = "me/0123456789abcdef0123456789abcdef01234567"
    token: str = "T" * 57
    page_size: int = 3  # small, so continuation is exercised
    feeds: list[dict[str, Any]] = field(default_factory=list)
    items: dict[int, Item] = field(default_factory=dict)
    log: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)
    override: Override | None = None
    hang: threading.Event | None = None  # when set: contents requests wait on it
    hang_after: int = 0  # contents requests answered before hanging


def _item_json(item: Item, feeds: dict[str, dict[str, Any]]) -> dict[str, Any]:
    categories = [READING_LIST]
    if item.read:
        categories.append(READ)
    if item.starred:
        categories.append(STARRED)
    feed = feeds.get(item.feed, {})
    for category in feed.get("categories", []):
        categories.append(category["id"])
    return {
        "id": f"{LONG}{item.id:016x}",
        "crawlTimeMsec": str(item.published * 1000),
        "timestampUsec": str(item.published * 1_000_000),
        "published": item.published,
        "title": item.title,
        "canonical": [{"href": item.link}],
        "alternate": [{"href": item.link, "type": "text/html"}],
        "categories": categories,
        "origin": {
            "streamId": item.feed,
            "htmlUrl": "https://example.org/",
            "title": feed.get("title", ""),
        },
        "summary": {"content": item.html},
        "author": "Alice",
    }


def _decimal(value: str) -> int:
    return int(value[len(LONG) :], 16) if value.startswith(LONG) else int(value)


class GReaderServer:
    """Runs on 127.0.0.1 in a thread; `url` is the API base to put in `[[accounts]]`."""

    def __init__(self, state: GReaderState | None = None) -> None:
        self.state = state or GReaderState()
        self.contents_answered = 0
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(
                self, status: int, body: bytes, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self, method: str) -> None:
                parts = urlsplit(self.path)
                params = parse_qsl(parts.query, keep_blank_values=True)
                if method == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    params += parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True)
                server_self.state.log.append((method, parts.path, params))
                override = server_self.state.override
                answer = override(method, self.path) if override is not None else None
                if answer is not None:
                    self._answer(answer[0], answer[2], answer[1])
                    return
                status, headers, body = server_self.route(
                    method, parts.path, params, self.headers.get("Authorization", "")
                )
                self._answer(status, body, headers)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{BASE}"

    def close(self) -> None:
        if self.state.hang is not None:
            self.state.hang.set()
        self.server.shutdown()
        self.server.server_close()

    def requests_to(self, suffix: str) -> list[list[tuple[str, str]]]:
        return [params for _m, path, params in self.state.log if path.endswith(suffix)]

    # -- the API

    def route(
        self, method: str, path: str, params: list[tuple[str, str]], authorization: str
    ) -> tuple[int, dict[str, str], bytes]:
        st = self.state
        if not path.startswith(BASE):
            return 404, {}, b"not found"
        path = path[len(BASE) :]
        form = dict(params)
        text = {"Content-Type": "text/plain; charset=utf-8"}
        if path == "/accounts/ClientLogin":
            if form.get("Email") == st.username and form.get("Passwd") == st.password:
                body = f"SID={st.auth}\nLSID=null\nAuth={st.auth}\n"
                return 200, text, body.encode()
            return 401, text, b"Error=BadAuthentication\n"
        if authorization != f"GoogleLogin auth={st.auth}":
            return 401, text, b"Unauthorized"
        api = path.removeprefix("/reader/api/0/")
        if api == "token":
            return 200, text, st.token.encode()
        if method == "POST" and form.get("T") != st.token:
            return 401, {**text, "X-Reader-Google-Bad-Token": "true"}, b"Unauthorized"
        if api == "subscription/list":
            return self._json({"subscriptions": st.feeds})
        if api == "stream/items/ids":
            return self._ids(params)
        if api == "stream/items/contents":
            if st.hang is not None and self.contents_answered >= st.hang_after:
                st.hang.wait(60)
            self.contents_answered += 1
            wanted = [_decimal(value) for key, value in params if key == "i"]
            feeds = {feed["id"]: feed for feed in st.feeds}
            found = [_item_json(st.items[i], feeds) for i in wanted if i in st.items]
            return self._json({"id": READING_LIST, "updated": 1, "items": found})
        if api == "edit-tag":
            ids = [_decimal(value) for key, value in params if key == "i"]
            for key, value in params:
                if key not in ("a", "r"):
                    continue
                for i in ids:
                    item = st.items.get(i)
                    if item is None:
                        continue
                    if value == READ:
                        item.read = key == "a"
                    elif value == STARRED:
                        item.starred = key == "a"
            return 200, text, b"OK"
        return 404, text, b"unknown API call"

    def _json(self, document: object) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/json"}, json.dumps(document).encode()

    def _ids(self, params: list[tuple[str, str]]) -> tuple[int, dict[str, str], bytes]:
        form = dict(params)
        stream = form.get("s", READING_LIST)
        exclude = form.get("xt")
        newer = int(form.get("ot", "0") or 0)
        n = min(int(form.get("n", "20")), self.state.page_size)
        start = int(form.get("c", "0") or 0)
        chosen = []
        for item in sorted(self.state.items.values(), key=lambda i: -i.id):
            if stream == STARRED and not item.starred:
                continue
            if exclude == READ and item.read:
                continue
            if item.published < newer:
                continue
            chosen.append(item)
        page = chosen[start : start + n]
        document: dict[str, Any] = {"itemRefs": [{"id": str(item.id)} for item in page]}
        if start + n < len(chosen):
            document["continuation"] = str(start + n)
        return self._json(document)


def sample_state(now: int) -> GReaderState:
    """Two feeds (Tech, Sport) with 4 and 3 items; ids are large, like FreshRSS's."""
    state = GReaderState()
    state.feeds = [
        {
            "id": "feed/1",
            "title": "Tech news",
            "categories": [{"id": "user/-/label/Tech", "label": "Tech"}],
            "url": "https://example.org/tech.xml",
            "htmlUrl": "https://example.org/",
            "iconUrl": "",
        },
        {
            "id": "feed/2",
            "title": "Sport news",
            "categories": [{"id": "user/-/label/Sport", "label": "Sport"}],
            "url": "https://example.org/sport.xml",
            "htmlUrl": "https://example.org/",
            "iconUrl": "",
        },
    ]
    base = 1_700_000_000_000_000  # microsecond-style ids, as FreshRSS makes them
    for n in range(7):
        feed = "feed/1" if n < 4 else "feed/2"
        prefix = "Tech" if n < 4 else "Sport"
        state.items[base + n] = Item(
            id=base + n,
            feed=feed,
            title=f"{prefix} {n}",
            html=f"<p>Article {n} <b>{prefix}</b> with a body long enough to be an article.</p>",
            link=f"https://example.org/{prefix.lower()}/{n}",
            published=now - 3600 * (7 - n),
        )
    return state
