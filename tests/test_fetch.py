"""Fetcher against real servers on 127.0.0.1: pytest-httpserver, and a raw socket one for faults."""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import socket
import struct
import time
import tracemalloc
import zlib

import brotli
import pytest
from pytest_httpserver import HTTPServer

from tests.hostile_server import Handler, HostileServer, dripping, read_request, reset
from tui_reader import __version__
from tui_reader.fetch import DEFAULT_USER_AGENT, FEED_ACCEPT, Fetcher
from tui_reader.models import FetchResult, Settings

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>' * 20
RSS = "application/rss+xml; charset=utf-8"
SHORT = 1.5  # the timeout used by tests that wait for the deadline
# Tests that tell "at once" from "at the deadline" give the fetcher a LONG deadline and allow
# AT_ONCE: room for a loaded 2-core machine, and still far from the deadline they rule out.
LONG = 12.0
AT_ONCE = LONG / 2


def assert_error(result: FetchResult, *fragments: str) -> str:
    """The result is an error whose one-line message contains every fragment."""
    assert result.status == "error", result
    assert result.body is None
    message = result.error or ""
    assert message
    assert "\n" not in message and "\r" not in message
    assert len(message) <= 200
    assert "Traceback" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def gzip_bomb(gigabytes: int = 1) -> bytes:
    """A valid gzip stream of `gigabytes` GB of zeros, about 1 MB long, built in ~0.2 s.

    After a full flush deflate forgets its history, so every further 1 MiB block of zeros
    compresses to the same bytes and can be repeated instead of recompressed.
    """
    zeros = b"\0" * (1 << 20)
    blocks = gigabytes * 1024
    deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", crc, (blocks << 20) & 0xFFFFFFFF)
    return header + first + block * (blocks - 1) + deflate.flush() + trailer


def brotli_bomb(gigabytes: int = 1) -> bytes:
    """A brotli stream of `gigabytes` GB of zeros (about 200 kB)."""
    zeros = b"\0" * (1 << 20)
    compressor = brotli.Compressor(quality=1)
    parts = [compressor.process(zeros) for _ in range(gigabytes * 1024)]
    return b"".join([*parts, compressor.finish()])


# --- ordinary responses -----------------------------------------------------------------------


async def test_ok_returns_body_validators_and_sends_honest_headers(httpserver: HTTPServer) -> None:
    headers = {"ETag": '"v1"', "Last-Modified": "Sat, 28 Nov 2026 18:05:59 GMT"}
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type=RSS, headers=headers)
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(httpserver.url_for("/feed"))
    assert result.status == "ok", result.error
    assert result.body == FEED
    assert result.url == result.final_url == httpserver.url_for("/feed")
    assert result.content_type == RSS
    assert result.etag == '"v1"'
    assert result.last_modified == "Sat, 28 Nov 2026 18:05:59 GMT"
    assert result.error is None
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert f"tui-reader/{__version__}" in DEFAULT_USER_AGENT
    assert request.headers["Accept"] == FEED_ACCEPT
    assert "If-None-Match" not in request.headers


async def test_conditional_get_304_is_not_modified(httpserver: HTTPServer) -> None:
    validators = {"If-None-Match": '"v1"', "If-Modified-Since": "Sat, 28 Nov 2026 18:05:59 GMT"}
    httpserver.expect_request("/feed", headers=validators).respond_with_data(
        b"", status=304, headers={"ETag": '"v1"'}
    )
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(
            httpserver.url_for("/feed"),
            etag='"v1"',
            last_modified="Sat, 28 Nov 2026 18:05:59 GMT",
        )
    assert result.status == "not_modified", result.error
    assert result.body is None
    assert result.etag == '"v1"'
    assert result.last_modified == "Sat, 28 Nov 2026 18:05:59 GMT"  # kept from the request


async def test_accept_header_can_be_overridden(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page", headers={"Accept": "text/html"}).respond_with_data("<p>")
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(httpserver.url_for("/page"), accept="text/html")
    assert result.status == "ok", result.error
    assert result.body == b"<p>"


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-zlib.MAX_WBITS)),  # raw deflate
        ("br", brotli.compress),
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
    ],
    ids=["gzip", "deflate", "raw-deflate", "brotli", "gzip-then-brotli"],
)
async def test_compressed_bodies_are_decoded(
    httpserver: HTTPServer, encoding: str, compress: object
) -> None:
    assert callable(compress)
    body = compress(FEED * 100)
    httpserver.expect_request("/feed").respond_with_data(
        body, content_type=RSS, headers={"Content-Encoding": encoding}
    )
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(httpserver.url_for("/feed"))
    assert result.status == "ok", result.error
    assert result.body == FEED * 100
    request, _ = httpserver.log[0]
    assert {"gzip", "deflate", "br"} <= set(request.headers["Accept-Encoding"].split(", "))


@pytest.mark.parametrize(
    ("encoding", "compress"), [("gzip", gzip.compress), ("br", brotli.compress)], ids=["gzip", "br"]
)
async def test_compressed_body_in_tiny_chunks(encoding: str, compress: object) -> None:
    assert callable(compress)
    body = compress(FEED * 200)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        head = f"HTTP/1.1 200 OK\r\nContent-Encoding: {encoding}\r\nTransfer-Encoding: chunked"
        writer.write(head.encode() + b"\r\n\r\n")
        for start in range(0, len(body), 7):
            piece = body[start : start + 7]
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    async with HostileServer(handler) as server, Fetcher() as fetcher:
        result = await fetcher.fetch(server.url())
    assert result.status == "ok", result.error
    assert result.body == FEED * 200


async def test_corrupt_gzip_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"\x1f\x8b\x08\x00garbage-not-deflate" * 10, headers={"Content-Encoding": "gzip"}
    )
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(httpserver.url_for("/feed"))
    assert_error(result, "could not decode the gzip response")


# --- size cap ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "make_bomb"), [("gzip", gzip_bomb), ("br", brotli_bomb)])
async def test_compression_bomb_is_cut_off_in_bounded_memory(
    httpserver: HTTPServer, encoding: str, make_bomb: object
) -> None:
    assert callable(make_bomb)
    bomb = make_bomb()
    assert len(bomb) < 2_000_000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type=RSS, headers={"Content-Encoding": encoding}
    )
    async with Fetcher() as fetcher:
        tracemalloc.start()
        try:
            result = await fetcher.fetch(httpserver.url_for("/bomb"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert_error(result, "response larger than 10 MB, cut off")
    assert peak < 40_000_000  # the cap plus a little, nowhere near the 1 GB inside


async def test_content_length_over_cap_is_rejected_before_reading() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n" + b"x" * 1000)
        await writer.drain()
        await asyncio.sleep(3600)  # never sends the rest: only the header can end this fast

    async with HostileServer(handler) as server, Fetcher(timeout=LONG) as fetcher:
        started = time.monotonic()
        result = await fetcher.fetch(server.url())
    assert time.monotonic() - started < AT_ONCE
    assert_error(result, "response larger than 10 MB, cut off")


async def test_chunked_body_over_cap_is_cut_off() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(100):
            writer.write(b"3e8\r\n" + b"x" * 1000 + b"\r\n")
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    async with HostileServer(handler) as server, Fetcher(max_bytes=5000) as fetcher:
        result = await fetcher.fetch(server.url())
    assert_error(result, "response larger than 5 kB, cut off")


# --- time -------------------------------------------------------------------------------------


async def _hang_before_headers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    await asyncio.sleep(3600)


async def _hang_after_headers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
    await writer.drain()
    await asyncio.sleep(3600)


async def _drip_headers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.5)


@pytest.mark.parametrize(
    "handler",
    [dripping(100, every=1), _hang_before_headers, _hang_after_headers, _drip_headers],
    ids=["drip-body", "hang-before-headers", "hang-after-headers", "drip-headers"],
)
async def test_total_deadline(handler: Handler) -> None:
    async with HostileServer(handler) as server, Fetcher(timeout=SHORT) as fetcher:
        started = time.monotonic()
        result = await fetcher.fetch(server.url())
        elapsed = time.monotonic() - started
    assert_error(result, "timed out after 1.5 s")
    # The servers would hold it 50 s (drips) to an hour (hangs): the deadline ended it.
    assert SHORT - 0.1 <= elapsed < SHORT + AT_ONCE


# --- redirects --------------------------------------------------------------------------------


async def test_redirects_are_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/middle")}
    )
    httpserver.expect_request("/middle").respond_with_data(
        "",
        status=307,
        headers={"Location": "new?x=1"},  # relative
    )
    httpserver.expect_request("/new").respond_with_data(FEED, content_type=RSS)
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(httpserver.url_for("/old"))
    assert result.status == "ok", result.error
    assert result.body == FEED
    assert result.url == httpserver.url_for("/old")
    assert result.final_url == httpserver.url_for("/new") + "?x=1"


async def test_redirect_loop(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"}
    )
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(httpserver.url_for("/loop"))
    assert_error(result, "too many redirects")
    assert len(httpserver.log) == 6  # the request and five redirects, then it stops


@pytest.mark.parametrize(
    ("location", "fragment"),
    [
        ("file:///etc/passwd", "redirect to a non-http(s) URL (file:)"),
        ("ftp://127.0.0.1/feed", "redirect to a non-http(s) URL (ftp:)"),
        ("javascript:alert(1)", "redirect to a non-http(s) or malformed URL"),
    ],
)
async def test_redirect_to_non_http_url(
    httpserver: HTTPServer, location: str, fragment: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "", status=302, headers={"Location": location}
    )
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(httpserver.url_for("/feed"))
    assert_error(result, fragment)


async def test_redirect_without_location(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("", status=302)
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(httpserver.url_for("/feed"))
    assert_error(result, "HTTP 302 Found without a Location header")


# --- HTTP errors and Retry-After --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "HTTP 404 Not Found"),
        (410, "HTTP 410 Gone"),
        (500, "HTTP 500 Internal Server Error"),
        (503, "HTTP 503 Service Unavailable"),
        (429, "HTTP 429 Too Many Requests"),
    ],
)
async def test_http_error_status(httpserver: HTTPServer, status: int, message: str) -> None:
    httpserver.expect_request("/feed").respond_with_data("<html>nope</html>", status=status)
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(httpserver.url_for("/feed"))
    assert assert_error(result) == message
    assert len(httpserver.log) == 1  # no Retry-After: no retry


async def test_retry_after_seconds_is_honoured_once(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request("/feed").respond_with_data(FEED, content_type=RSS)
    async with Fetcher(timeout=5) as fetcher:
        started = time.monotonic()
        result = await fetcher.fetch(httpserver.url_for("/feed"))
        elapsed = time.monotonic() - started
    assert result.status == "ok", result.error  # and so within the 5 s deadline
    assert result.body == FEED
    assert len(httpserver.log) == 2
    assert elapsed >= 0.9  # it waited the second it was asked to


async def test_retry_after_http_date(httpserver: HTTPServer) -> None:
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    httpserver.expect_ordered_request("/feed").respond_with_data(
        "busy", status=503, headers={"Retry-After": when}
    )
    httpserver.expect_ordered_request("/feed").respond_with_data(FEED, content_type=RSS)
    async with Fetcher(timeout=5) as fetcher:
        result = await fetcher.fetch(httpserver.url_for("/feed"))
    assert result.status == "ok", result.error
    assert len(httpserver.log) == 2


async def test_never_more_than_one_retry(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "0"}
    )
    async with Fetcher(timeout=5) as fetcher:
        result = await fetcher.fetch(httpserver.url_for("/feed"))
    assert assert_error(result) == "HTTP 429 Too Many Requests (retry after 0 s)"
    assert len(httpserver.log) == 2


async def test_long_retry_after_fails_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    async with Fetcher(timeout=LONG) as fetcher:
        started = time.monotonic()
        result = await fetcher.fetch(httpserver.url_for("/feed"))
    assert time.monotonic() - started < AT_ONCE
    assert assert_error(result) == "HTTP 429 Too Many Requests (retry after 3600 s)"
    assert len(httpserver.log) == 1


async def test_retry_after_beyond_the_deadline_fails_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "busy", status=503, headers={"Retry-After": "30"}
    )
    async with Fetcher(timeout=LONG, max_retry_after=60) as fetcher:
        started = time.monotonic()
        result = await fetcher.fetch(httpserver.url_for("/feed"))
    assert time.monotonic() - started < AT_ONCE
    assert assert_error(result) == "HTTP 503 Service Unavailable (retry after 30 s)"
    assert len(httpserver.log) == 1


# --- broken servers ---------------------------------------------------------------------------


def replying(raw: bytes, *, then_reset: bool = False) -> Handler:
    """A server that reads the request, sends `raw` (if any), then resets or just stops."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        if raw:
            writer.write(raw)
            await writer.drain()
        if then_reset:
            if raw:
                await asyncio.sleep(0.05)
            reset(writer)

    return handler


OK_HEAD = b"HTTP/1.1 200 OK\r\n"
CHUNKED = OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n"

# Each row: what the broken server does, and what the one-line error must say.
BROKEN_SERVERS = [
    pytest.param(
        replying(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02\xff garbage\n\n more"),
        "invalid HTTP response",
        id="garbage",
    ),
    pytest.param(
        replying(OK_HEAD + b"Content-Length: 100000\r\n\r\n" + b"x" * 1000, then_reset=True),
        "connection reset by the server",
        id="reset-mid-body",
    ),
    pytest.param(
        replying(OK_HEAD + b"Content-Length: 1000\r\n\r\nonly ten b"),
        "connection closed before the whole body arrived",
        id="content-length-lies",
    ),
    pytest.param(
        replying(CHUNKED + b"ZZZ\r\nnot hex\r\n"), "invalid HTTP response", id="bad-chunked"
    ),
    pytest.param(
        replying(CHUNKED + b"64\r\nshort"),
        "connection closed in the middle of a chunked body",
        id="truncated-chunked",
    ),
    pytest.param(
        replying(OK_HEAD + b"X-Huge: " + b"a" * 1_000_000 + b"\r\n\r\nbody"),
        "invalid HTTP response",
        id="enormous-header",
    ),
    pytest.param(
        replying(b""), "server closed the connection without responding", id="close-silently"
    ),
    pytest.param(replying(b"", then_reset=True), "connection reset", id="reset-at-once"),
    pytest.param(
        replying(b"HTTP/1.1 599 \x1b[31mRed\x1b[0m\tAlert\r\nContent-Length: 0\r\n\r\n"),
        "HTTP 599",
        id="ansi-reason",
    ),
    pytest.param(
        replying(b"HTTP/1.1 302 Found\r\nLocation: http://[::1/feed\r\nContent-Length: 0\r\n\r\n"),
        "redirect to a non-http(s) or malformed URL",
        id="malformed-location",
    ),
]


@pytest.mark.parametrize(("handler", "fragment"), BROKEN_SERVERS)
async def test_broken_server_gives_one_line_error(handler: Handler, fragment: str) -> None:
    async with HostileServer(handler) as server, Fetcher(timeout=LONG) as fetcher:
        started = time.monotonic()
        result = await fetcher.fetch(server.url())
    assert time.monotonic() - started < AT_ONCE
    message = assert_error(result, fragment)
    assert "\x1b" not in message and "\t" not in message


async def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with Fetcher(timeout=5) as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    assert_error(result, "connection refused")


async def test_tls_to_a_plain_server() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()

    async with HostileServer(handler) as server, Fetcher(timeout=5) as fetcher:
        result = await fetcher.fetch(f"https://127.0.0.1:{server.port}/feed")
    assert_error(result, "TLS error")


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("file:///etc/passwd", "unsupported URL scheme 'file'"),
        ("ftp://127.0.0.1:{port}/feed", "unsupported URL scheme 'ftp'"),
        ("javascript:alert(1)", "unsupported URL scheme"),
        ("127.0.0.1:{port}/feed", "not an absolute http(s) URL"),
        ("/feed.xml", "not an absolute http(s) URL"),
        ("", "not an absolute http(s) URL"),
        ("http://", "invalid URL"),
        ("http://[::1/feed", "invalid URL"),
    ],
)
async def test_unfetchable_url_fails_without_network(url: str, fragment: str) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)

    async with HostileServer(handler) as server, Fetcher() as fetcher:
        result = await fetcher.fetch(url.format(port=server.port))
    assert_error(result, fragment)
    assert server.connections == 0


def test_fetcher_from_settings_honours_the_config_limits() -> None:
    fetcher = Fetcher.from_settings(Settings(concurrency=3, timeout=7, max_feed_bytes=1234))
    assert (fetcher.concurrency, fetcher.timeout, fetcher.max_bytes) == (3, 7, 1234)


async def test_fetch_outside_the_context_manager_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError, match="async with"):
        await Fetcher().fetch("http://127.0.0.1/")


# --- concurrency ------------------------------------------------------------------------------


class SlowFeeds:
    """Handler that holds every request for `delay` seconds, tracking overlap across servers."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.in_flight = 0
        self.max_in_flight = 0
        self.served = 0

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:  # keep-alive: several requests may come on one connection
            await read_request(reader)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            await asyncio.sleep(self.delay)
            self.in_flight -= 1
            self.served += 1
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()


async def test_per_host_limit() -> None:
    feeds = SlowFeeds(delay=0.2)
    async with HostileServer(feeds) as server, Fetcher(concurrency=16, per_host=2) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(server.url(f"/{i}")) for i in range(8)))
    assert [result.status for result in results] == ["ok"] * 8
    assert feeds.max_in_flight == 2


async def test_global_limit_across_hosts() -> None:
    feeds = SlowFeeds(delay=0.2)
    hosts = [f"127.0.0.{n}" for n in range(1, 5)]
    servers = [HostileServer(feeds, host=host) for host in hosts]
    for server in servers:
        await server.__aenter__()
    try:
        async with Fetcher(concurrency=3, per_host=4) as fetcher:
            urls = [server.url(f"/{i}") for server in servers for i in range(3)]
            results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    finally:
        for server in servers:
            await server.__aexit__(None, None, None)
    assert [result.status for result in results] == ["ok"] * 12
    assert feeds.max_in_flight == 3


async def test_waiting_for_a_slot_does_not_count_against_the_deadline() -> None:
    feeds = SlowFeeds(delay=0.4)
    async with HostileServer(feeds) as server, Fetcher(concurrency=1, timeout=1.0) as fetcher:
        started = time.monotonic()
        results = await asyncio.gather(*(fetcher.fetch(server.url(f"/{i}")) for i in range(5)))
        elapsed = time.monotonic() - started
    assert [result.status for result in results] == ["ok"] * 5
    assert elapsed >= 2.0  # five 0.4 s requests one after another: far past the 1 s timeout
    assert feeds.max_in_flight == 1
