"""HTTP fetching for feeds and article pages: one shared client, bounded in time, size and load.

`Fetcher.fetch` never raises for anything the network or the server does: every failure comes
back as a `FetchResult` with status "error" and a one-line message a user can read.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import http
import math
import re
import socket
import ssl
import time
import urllib.parse
import zlib
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Any, Protocol, Self

import brotli
import httpx

from tui_reader import __version__
from tui_reader.errors import one_line
from tui_reader.models import FetchResult, Settings
from tui_reader.urls import port_of, redirect_problem, url_problem

DEFAULT_USER_AGENT = f"tui-reader/{__version__} (+https://github.com/tui-reader/tui-reader)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.8"
MAX_REDIRECTS = 5

_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_RETRY_CODES = frozenset({429, 503})
# We decode bodies ourselves (see _read_body), so we only offer what we can decode.
_ACCEPT_ENCODING = "gzip, deflate, br"
# Largest piece a decoder may produce at once: keeps a compression bomb from inflating in one go.
_DECODE_CHUNK = 64 * 1024
_MAX_ERROR_CHARS = 200


class _FetchError(Exception):
    """A failure whose message is ready for the user; turned into a FetchResult by `fetch`."""


class UrlFetcher(Protocol):
    """The one fetcher interface: `Fetcher`, the demo's fetcher and test doubles give it, and
    refresh (feeds) and fulltext (pages) take it."""

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = ...,
    ) -> FetchResult: ...


class _OriginSlots:
    """How many fetches one origin may have at once: `per_host` over HTTP/1.1, widened (also
    for fetches already waiting) once the origin has answered over HTTP/2."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0
        self._changed = asyncio.Condition()

    async def __aenter__(self) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self.active < self.limit)
            self.active += 1

    async def __aexit__(self, *exc_info: object) -> None:
        async with self._changed:
            self.active -= 1
            self._changed.notify()

    def widen(self, limit: int) -> None:
        """Allow up to `limit` at once from now on, waking whoever waits."""
        if limit <= self.limit:
            return
        self.limit = limit
        asyncio.get_running_loop().create_task(self._wake_all())

    async def _wake_all(self) -> None:
        async with self._changed:
            self._changed.notify_all()


async def new_client(
    *, timeout: float, headers: dict[str, str], **options: Any
) -> httpx.AsyncClient:
    """An httpx client verifying TLS with certifi's CA bundle (`options` go to httpx).

    Loading the CA bundle takes tens of milliseconds: it is done in a thread, so opening a
    client (from the TUI too) never holds up the event loop.
    """
    tls = _TLS_CONTEXTS.get("certifi")
    if tls is None:
        tls = await asyncio.to_thread(_certifi_context)
    return httpx.AsyncClient(verify=tls, headers=headers, timeout=httpx.Timeout(timeout), **options)


# The TLS context, made once per process: a CLI refresh opens a client for the feeds and
# another for the pages of the full-text step, each loading the CA bundle otherwise.
_TLS_CONTEXTS: dict[str, ssl.SSLContext] = {}


def _certifi_context() -> ssl.SSLContext:
    """A TLS context verifying with certifi's CA bundle (shared: contexts are reusable)."""
    import certifi  # here, in a thread: importing it costs 30-55 ms (importlib.resources)

    context = _TLS_CONTEXTS.get("certifi")
    if context is None:
        context = _TLS_CONTEXTS["certifi"] = ssl.create_default_context(cafile=certifi.where())
    return context


class ClientOwner:
    """Holds an httpx client from `__aenter__` on; `__aexit__` closes it."""

    _client: httpx.AsyncClient | None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
        self._client = None
        self._forget()

    def _forget(self) -> None:
        """What else a subclass drops once its client is closed."""


class Fetcher(ClientOwner):
    """One httpx.AsyncClient shared by all fetches (feeds and article pages).

    Use as `async with Fetcher() as fetcher: result = await fetcher.fetch(url)`.
    """

    def __init__(
        self,
        *,
        concurrency: int = 16,
        per_host: int = 4,
        timeout: float = 15.0,
        max_bytes: int = 10_000_000,
        max_retry_after: float = 10.0,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if concurrency < 1 or per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")
        if timeout <= 0 or max_bytes < 1 or max_retry_after < 0:
            raise ValueError("timeout and max_bytes must be positive, max_retry_after not negative")
        self.concurrency = concurrency
        self.per_host = per_host
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_retry_after = max_retry_after
        self.user_agent = user_agent
        self._client: httpx.AsyncClient | None = None
        self._slots: asyncio.Semaphore | None = None
        self._host_slots: dict[str, _OriginSlots] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Fetcher:
        """A fetcher honouring the config's limits (the CLI and the app build it this way)."""
        return cls(
            concurrency=settings.concurrency,
            per_host=settings.per_host_connections,
            timeout=settings.timeout,
            max_bytes=settings.max_feed_bytes,
        )

    async def __aenter__(self) -> Self:
        self._client = await new_client(
            timeout=self.timeout,
            headers={"User-Agent": self.user_agent, "Accept-Encoding": _ACCEPT_ENCODING},
            limits=httpx.Limits(
                max_connections=2 * self.concurrency,
                max_keepalive_connections=self.concurrency,
            ),
            follow_redirects=False,  # followed by hand: every hop's scheme is checked
            # HTTP/2 where the server offers it (TLS + ALPN): an origin's fetches then share
            # one connection, and its limit widens to `concurrency` (see `_OriginSlots`).
            http2=True,
        )
        # Created here, not in __init__, so they belong to the loop that runs the fetches.
        self._slots = asyncio.Semaphore(self.concurrency)
        self._host_slots = {}
        return self

    def _forget(self) -> None:
        self._slots = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET `url` (conditionally when validators are given); failures are returned, not raised.

        The deadline (`timeout`) covers connecting, headers, body, redirects and one
        Retry-After wait; time spent waiting for a concurrency slot does not count.
        """
        if self._client is None or self._slots is None:
            raise RuntimeError("Fetcher is not open: use 'async with Fetcher() as fetcher'")
        trail = [url]  # every URL visited, so an error can still say where it ended
        try:
            problem = _url_problem(url)
            if problem is not None:
                return _error(url, problem, "")
            headers = {"Accept": accept}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            async with self._host_slot(_origin(url)), self._slots:
                return await self._fetch_in_time(url, headers, trail)
        except Exception as exc:  # the last resort: no exception ever leaves fetch()
            return _error(url, f"unexpected error: {_exception_text(exc)}", trail[-1])

    def _host_slot(self, host: str) -> _OriginSlots:
        """The limit on simultaneous fetches to one origin (created on first use)."""
        key = host.lower()
        slot = self._host_slots.get(key)
        if slot is None:
            slot = self._host_slots[key] = _OriginSlots(self.per_host)
        return slot

    async def _fetch_in_time(
        self, url: str, headers: dict[str, str], trail: list[str]
    ) -> FetchResult:
        """Run the request chain under the total deadline and map failures to messages."""
        try:
            async with asyncio.timeout(self.timeout) as deadline:
                return await self._follow(url, headers, trail, deadline)
        except (TimeoutError, httpx.TimeoutException):
            message = f"timed out after {self.timeout:g} s"
        except _FetchError as exc:
            message = str(exc)
        except httpx.HTTPError as exc:
            message = _describe_http_error(exc)
        except httpx.InvalidURL as exc:
            # Our own URLs are validated first; httpx raises this while reading a 3xx's Location.
            message = f"redirect to a non-http(s) or malformed URL ({exc})"
        return _error(url, message, trail[-1])

    async def _follow(
        self, url: str, headers: dict[str, str], trail: list[str], deadline: asyncio.Timeout
    ) -> FetchResult:
        """Follow redirects and at most one Retry-After until a final response."""
        assert self._client is not None
        loop = asyncio.get_running_loop()
        current = httpx.URL(url)
        redirects = 0
        retried = False
        while True:
            retry_in: float | None = None
            async with self._client.stream("GET", current, headers=headers) as response:
                if response.http_version == "HTTP/2":
                    # One multiplexed connection: no reason to queue behind `per_host`.
                    self._host_slot(_origin(str(current))).widen(self.concurrency)
                status = response.status_code
                if status in _REDIRECT_CODES:
                    current = _redirect_target(response)
                    redirects += 1
                    if redirects > MAX_REDIRECTS:
                        raise _FetchError(f"too many redirects (more than {MAX_REDIRECTS})")
                    trail.append(str(current))
                    continue
                if status == 304:
                    return FetchResult(
                        url=url,
                        status="not_modified",
                        final_url=str(current),
                        content_type=response.headers.get("content-type", ""),
                        etag=response.headers.get("etag") or headers.get("If-None-Match"),
                        last_modified=response.headers.get("last-modified")
                        or headers.get("If-Modified-Since"),
                    )
                if status in _RETRY_CODES:
                    delay = _retry_after(response.headers.get("retry-after"))
                    remaining = (deadline.when() or math.inf) - loop.time()
                    if (
                        not retried
                        and delay is not None
                        and delay <= self.max_retry_after
                        and delay < remaining
                    ):
                        retry_in = delay
                    else:
                        suffix = f" (retry after {math.ceil(delay)} s)" if delay is not None else ""
                        raise _FetchError(_status_text(response) + suffix)
                elif not 200 <= status < 300:
                    raise _FetchError(_status_text(response))
                else:
                    body = await self._read_body(response)
                    return FetchResult(
                        url=url,
                        status="ok",
                        body=body,
                        final_url=str(current),
                        content_type=response.headers.get("content-type", ""),
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
            # Only a Retry-After we decided to honour gets here; the response is closed.
            assert retry_in is not None
            retried = True
            await asyncio.sleep(retry_in)

    async def _read_body(self, response: httpx.Response) -> bytes:
        """Read and decode the body, aborting as soon as the decoded size passes max_bytes."""
        encodings = _content_encodings(response.headers.get("content-encoding", ""))
        too_large = f"response larger than {_format_size(self.max_bytes)}, cut off"
        if not encodings:
            length = response.headers.get("content-length", "").strip()
            if length.isdigit() and int(length) > self.max_bytes:
                raise _FetchError(too_large)
        decoder = _Pipeline([_decoder_for(name) for name in reversed(encodings)])
        chunks: list[bytes] = []
        total = 0
        async for piece in _decoded(response.aiter_raw(), decoder):
            total += len(piece)
            if total > self.max_bytes:
                raise _FetchError(too_large)
            chunks.append(piece)
        return b"".join(chunks)


# --- decoding ---------------------------------------------------------------------------------
# httpx's own decoders inflate each network chunk whole (a 64 KiB gzip chunk can hold 64 MB of
# zeros, a brotli one far more), so the body is read raw and decoded in bounded pieces here.


class _Decoder(Protocol):
    """Incremental decoder yielding output in bounded pieces (about _DECODE_CHUNK bytes)."""

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decode `data`, yielding output pieces."""
        ...

    def flush(self) -> Iterator[bytes]:
        """Yield whatever output is left at the end of the body."""
        ...


class _ZlibDecoder:
    """gzip or deflate; deflate accepts both the zlib-wrapped and the raw form servers send."""

    def __init__(self, name: str, wbits: int, fallback_wbits: int | None = None) -> None:
        self._name = name
        self._obj = zlib.decompressobj(wbits)
        self._fallback_wbits = fallback_wbits
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decode `data` without ever asking zlib for more than one chunk of output."""
        while not self._obj.eof:
            try:
                out = self._obj.decompress(data, _DECODE_CHUNK)
            except zlib.error as exc:
                if self._fallback_wbits is not None and not self._started:
                    self._obj = zlib.decompressobj(self._fallback_wbits)
                    self._fallback_wbits = None
                    continue
                raise _FetchError(f"could not decode the {self._name} response ({exc})") from None
            self._started = True
            if out:
                yield out
            data = self._obj.unconsumed_tail
            # A full chunk may leave output pending inside zlib even with no input left.
            if not data and len(out) < _DECODE_CHUNK:
                return
        # Bytes after the end of the stream are ignored, as browsers and httpx do.

    def flush(self) -> Iterator[bytes]:
        """Nothing is left: `feed` drains zlib completely."""
        return iter(())


class _BrotliDecoder:
    """Brotli, drained in bounded pieces (output_buffer_limit needs brotli >= 1.2)."""

    def __init__(self) -> None:
        self._obj = brotli.Decompressor()
        self._bounded = True

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decode `data`, then drain the decoder one bounded piece at a time."""
        try:
            while not self._obj.is_finished():
                out = self._process(data)
                data = b""
                if out:
                    yield out
                # A full buffer may leave output pending even when more input is welcome.
                if len(out) < _DECODE_CHUNK and self._obj.can_accept_more_data():
                    return
                if not out:
                    return  # no progress: wait for more input rather than spin
        except brotli.error as exc:
            raise _FetchError(f"could not decode the brotli response ({exc})") from None

    def _process(self, data: bytes) -> bytes:
        """One decompression step, with a bounded output buffer when brotli supports it."""
        if self._bounded:
            try:
                return self._obj.process(data, output_buffer_limit=_DECODE_CHUNK)
            except TypeError:  # brotli < 1.2: no limit available
                self._bounded = False
        return self._obj.process(data)

    def flush(self) -> Iterator[bytes]:
        """Brotli keeps nothing back once input has been processed."""
        return iter(())


class _Pipeline:
    """Decoders in decoding order (the reverse of Content-Encoding); empty means identity."""

    def __init__(self, decoders: list[_Decoder]) -> None:
        self._decoders = decoders

    def feed(self, data: bytes, start: int = 0) -> Iterator[bytes]:
        """Push `data` through decoders[start:]."""
        if start == len(self._decoders):
            if data:
                yield data
            return
        for piece in self._decoders[start].feed(data):
            yield from self.feed(piece, start + 1)

    def flush(self) -> Iterator[bytes]:
        """Flush each decoder in turn, passing its leftovers through the ones after it."""
        for index, decoder in enumerate(self._decoders):
            for piece in decoder.flush():
                yield from self.feed(piece, index + 1)


async def _decoded(raw: AsyncIterator[bytes], pipeline: _Pipeline) -> AsyncIterator[bytes]:
    """Decoded body pieces from the raw network chunks."""
    async for chunk in raw:
        for piece in pipeline.feed(chunk):
            yield piece
    for piece in pipeline.flush():
        yield piece


def _decoder_for(encoding: str) -> _Decoder:
    """The decoder for one Content-Encoding token."""
    if encoding in ("gzip", "x-gzip"):
        return _ZlibDecoder("gzip", zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        return _ZlibDecoder("deflate", zlib.MAX_WBITS, fallback_wbits=-zlib.MAX_WBITS)
    if encoding == "br":
        return _BrotliDecoder()
    raise _FetchError(f"unsupported Content-Encoding {encoding!r}")


def _content_encodings(header: str) -> list[str]:
    """Content-Encoding tokens in the order they were applied, without "identity"."""
    tokens = (token.strip().lower() for token in header.split(","))
    return [token for token in tokens if token and token != "identity"]


# --- helpers ----------------------------------------------------------------------------------


def _url_problem(url: str) -> str | None:
    """Why `url` cannot be fetched, or None; decided without touching the network."""
    problem = url_problem(url)
    if problem is not None:
        return problem
    try:
        httpx.URL(url)  # what the rule allows, httpx must take too
    except (httpx.InvalidURL, TypeError) as exc:
        return f"invalid URL: {exc}"
    return None


def _origin(url: str) -> str:
    """`host:port` of `url`: connections are limited per origin, as browsers do."""
    parsed = httpx.URL(url)
    return f"{parsed.host}:{port_of(parsed.scheme, parsed.port)}"


def _redirect_target(response: httpx.Response) -> httpx.URL:
    """The absolute URL a 3xx response points to; only http(s) targets are allowed."""
    location = response.headers.get("location", "").strip()
    if not location:
        raise _FetchError(f"{_status_text(response)} without a Location header")
    scheme = urllib.parse.urlsplit(location).scheme
    problem = redirect_problem(scheme) if scheme else None  # no scheme: relative, joined below
    if problem is not None:
        raise _FetchError(problem)
    try:
        target = response.url.join(location)
    except httpx.InvalidURL as exc:
        raise _FetchError(f"redirect to a non-http(s) or malformed URL ({exc})") from None
    problem = redirect_problem(target.scheme)
    if problem is not None:
        raise _FetchError(problem)
    if not target.host:
        raise _FetchError("redirect to a URL without a host")
    return target


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" dates parse naive; HTTP dates are always GMT
        return None
    return max(0.0, when.timestamp() - time.time())


def _status_text(response: httpx.Response) -> str:
    """E.g. "HTTP 404 Not Found"."""
    try:
        phrase = http.HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = response.reason_phrase
    return f"HTTP {response.status_code} {phrase}".strip()


def _format_size(size: int) -> str:
    """10_000_000 -> "10 MB" (decimal units, as the config writes them)."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and the exceptions that caused it, innermost last."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _describe_http_error(exc: httpx.HTTPError) -> str:
    """A one-line, user-readable account of a transport or protocol failure."""
    causes = list(_causes(exc))
    text = _exception_text(exc)
    if isinstance(exc, httpx.ConnectError):
        for cause in causes:
            if isinstance(cause, ssl.SSLCertVerificationError) and cause.verify_message:
                return f"TLS certificate not accepted: {cause.verify_message}"
            if isinstance(cause, ssl.SSLError):
                reason = cause.reason.replace("_", " ").lower() if cause.reason else ""
                return f"TLS error: {reason or _exception_text(cause)}"
            if isinstance(cause, socket.gaierror):
                return f"could not resolve host {_request_host(exc)}"
            if isinstance(cause, ConnectionRefusedError):
                return "connection refused"
        if "refused" in text.lower():
            return "connection refused"
        if "ssl" in text.lower() or "certificate" in text.lower():
            return f"TLS error: {text}"
        return f"could not connect: {text}"
    if isinstance(exc, httpx.RemoteProtocolError):
        lowered = text.lower()
        if "location header" in lowered:
            return f"redirect to a non-http(s) or malformed URL ({text})"
        if "without sending a response" in lowered:
            return "server closed the connection without responding"
        if "incomplete chunked read" in lowered:
            return "connection closed in the middle of a chunked body"
        if "without sending complete message body" in lowered:
            counts = re.search(r"received \d+ bytes, expected \d+", text)
            detail = f" ({counts.group()})" if counts else ""
            return f"connection closed before the whole body arrived{detail}"
        if "buffer too long" in lowered or "exceeded" in lowered:
            return "invalid HTTP response: headers too large"
        return f"invalid HTTP response: {text}"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        if any(isinstance(cause, ConnectionResetError) for cause in causes):
            return "connection reset by the server"
        return f"network error: {text}"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"unsupported URL: {text}"
    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects"
    return f"network error: {text}"


def _request_host(exc: httpx.HTTPError) -> str:
    """The host of the request that failed, or "" if httpx did not attach it."""
    with contextlib.suppress(RuntimeError):
        return exc.request.url.host
    return ""


def _exception_text(exc: BaseException) -> str:
    """`str(exc)`, or its class name when the message is empty; h11's bytearray reprs unwrapped."""
    text = re.sub(r"bytearray\(b(['\"])(.*?)\1\)", r"'\2'", str(exc).strip())
    return text or type(exc).__name__


def _error(url: str, message: str, final_url: str) -> FetchResult:
    """A FetchResult for a failure."""
    error = one_line(message, _MAX_ERROR_CHARS)
    return FetchResult(url=url, status="error", final_url=final_url, error=error)
