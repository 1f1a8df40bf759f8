"""Family 5: network faults, end to end through `tui-reader refresh --json`.

tests/test_fetch.py checks each fault against the fetcher; here they all hit one CLI refresh
at once, each on a loopback address of its own (so the per-host limit never queues them),
and the whole refresh must end within the configured timeout plus a second.
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import Iterator
from functools import cache

import pytest
from werkzeug import Response

from tests.hostile.documents import rss, rss_item
from tests.hostile.harness import (
    Case,
    FamilyChecks,
    FamilyRun,
    run_family,
    servers,
)
from tests.hostile.server import response_head
from tests.hostile_server import reset
from tui_reader.models import Article

GOOD = rss(
    [rss_item(f"Good {n}", link=f"/post/{n}", guid=f"good-{n}") for n in range(3)],
    link="",
).encode()


async def hang(reader, writer, head) -> None:
    await asyncio.sleep(3600)


async def hang_after_headers(reader, writer, head) -> None:
    writer.write(response_head(length=len(GOOD)))
    await writer.drain()
    await asyncio.sleep(3600)


async def drip_headers(reader, writer, head) -> None:
    for byte in response_head(length=len(GOOD)) * 100:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.05)


async def drip_body(reader, writer, head) -> None:
    writer.write(response_head(length=len(GOOD) * 1000))
    for byte in GOOD * 1000:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.02)


async def slow_but_in_time(reader, writer, head) -> None:
    """A slow server that finishes well within the timeout: must be ok."""
    writer.write(response_head(length=len(GOOD)))
    for start in range(0, len(GOOD), 100):
        writer.write(GOOD[start : start + 100])
        await writer.drain()
        await asyncio.sleep(0.02)


async def endless_chunked(reader, writer, head) -> None:
    writer.write(response_head(headers={"Transfer-Encoding": "chunked"}))
    chunk = b"<item><title>x</title></item>" * 2000
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    opening = b'<?xml version="1.0"?><rss version="2.0"><channel>'
    writer.write(f"{len(opening):x}\r\n".encode() + opening + b"\r\n")
    while True:
        writer.write(frame)
        await writer.drain()
        await asyncio.sleep(0)  # drain() need not yield: let the other cases run


async def endless_close_delimited(reader, writer, head) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n")
    while True:
        writer.write(b"<rss>" * 10_000)
        await writer.drain()
        await asyncio.sleep(0)


async def length_lie_long(reader, writer, head) -> None:
    writer.write(response_head(length=len(GOOD) + 5000) + GOOD)
    await writer.drain()


async def length_lie_short(reader, writer, head) -> None:
    writer.write(response_head(length=len(GOOD) // 2) + GOOD)
    await writer.drain()


async def length_huge(reader, writer, head) -> None:
    writer.write(response_head(length=50_000_000_000) + GOOD)
    await writer.drain()
    await asyncio.sleep(3600)


async def reset_mid_body(reader, writer, head) -> None:
    writer.write(response_head(length=len(GOOD)) + GOOD[:200])
    await writer.drain()
    await asyncio.sleep(0.05)
    reset(writer)


async def reset_at_once(reader, writer, head) -> None:
    reset(writer)


async def close_silently(reader, writer, head) -> None:
    writer.close()


async def garbage(reader, writer, head) -> None:
    writer.write(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 SSH-2.0-OpenSSH \x1b[2J\r\n\r\n")
    await writer.drain()


async def http09(reader, writer, head) -> None:
    writer.write(GOOD)
    await writer.drain()


async def enormous_header(reader, writer, head) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 2_000_000 + b"\r\n\r\n")
    await writer.drain()


async def many_headers(reader, writer, head) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\n" + b"X-H: v\r\n" * 200_000 + b"Content-Length: 0\r\n\r\n")
    await writer.drain()


async def bad_chunked(reader, writer, head) -> None:
    writer.write(
        response_head(headers={"Transfer-Encoding": "chunked"}) + b"zz\r\nhello\r\n0\r\n\r\n"
    )
    await writer.drain()


async def truncated_chunked(reader, writer, head) -> None:
    writer.write(response_head(headers={"Transfer-Encoding": "chunked"}))
    writer.write(f"{len(GOOD):x}\r\n".encode() + GOOD[:100])
    await writer.drain()


async def ansi_status(reader, writer, head) -> None:
    writer.write(
        b"HTTP/1.1 500 \x1b]52;c;SU5KRUNURUQ=\x07\x1b[2JBroken\r\nContent-Length: 0\r\n\r\n"
    )
    await writer.drain()


async def unknown_encoding(reader, writer, head) -> None:
    writer.write(response_head(headers={"Content-Encoding": "zstd-ish"}, length=len(GOOD)) + GOOD)
    await writer.drain()


async def redirect_esc(reader, writer, head) -> None:
    writer.write(response_head("302 Found", {"Location": "file:///etc/passwd\x1b[2J"}, length=0))
    await writer.drain()


@cache
def gzip_bomb() -> bytes:
    """256 MB of zeros in 250 kB of gzip (the cap is 10 MB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    out = [compressor.compress(block) for _ in range(256)]
    return b"".join(out) + compressor.flush()


async def gzip_bomb_raw(reader, writer, head) -> None:
    body = gzip_bomb()
    writer.write(response_head(headers={"Content-Encoding": "gzip"}, length=len(body)) + body)
    await writer.drain()


async def double_gzip(reader, writer, head) -> None:
    body = gzip.compress(gzip_bomb(), 9)
    writer.write(response_head(headers={"Content-Encoding": "gzip, gzip"}, length=len(body)) + body)
    await writer.drain()


def redirect(to: str, code: int = 302) -> dict[str, object]:
    return {"http_status": code, "headers": {"Location": to}, "body": b"", "content_type": ""}


def hits(path: str, exactly: int):
    """The server saw exactly this many requests for `path` (2: one retry, 1: none)."""

    def check(articles: list[Article], run: FamilyRun) -> None:
        assert run.http_hits(path) == exactly, run.http_hits(path)

    return check


def relative_links_resolved_against(path: str):
    def check(articles: list[Article], run: FamilyRun) -> None:
        assert len(articles) == 3
        for article in articles:
            assert article.link.startswith(f"http://127.0.0.1:{run.http.port}/post/"), article.link

    return check


TIMED_OUT = ("timed out",)
CASES = [
    Case("net-hang-before-headers", "error", raw=hang, error_has=TIMED_OUT),
    Case("net-hang-after-headers", "error", raw=hang_after_headers, error_has=TIMED_OUT),
    Case("net-drip-headers", "error", raw=drip_headers, error_has=TIMED_OUT),
    Case("net-drip-body", "error", raw=drip_body, error_has=TIMED_OUT),
    Case("net-slow-in-time", "ok", raw=slow_but_in_time, items=3),
    Case("net-endless-chunked", "error", raw=endless_chunked, error_has=("cut off",)),
    Case("net-endless-unframed", "error", raw=endless_close_delimited, error_has=("cut off",)),
    Case("net-length-too-long", "error", raw=length_lie_long, error_has=("before the whole body",)),
    # The body is what Content-Length says: a truncated document, read like one.
    Case("net-length-too-short", "ok", raw=length_lie_short),
    Case("net-length-huge", "error", raw=length_huge, error_has=("larger than",)),
    Case("net-reset-mid-body", "error", raw=reset_mid_body, error_has=("reset",)),
    Case("net-reset-at-once", "error", raw=reset_at_once),
    Case("net-close-silently", "error", raw=close_silently, error_has=("without responding",)),
    Case("net-garbage", "error", raw=garbage, error_has=("invalid http response",)),
    Case("net-http09", "error", raw=http09),
    Case("net-enormous-header", "error", raw=enormous_header),
    Case("net-many-headers", "error", raw=many_headers),
    Case("net-bad-chunked", "error", raw=bad_chunked),
    Case("net-truncated-chunked", "error", raw=truncated_chunked, error_has=("chunked",)),
    Case("net-ansi-status", "error", raw=ansi_status, error_has=("500",)),
    Case("net-unknown-encoding", "error", raw=unknown_encoding, error_has=("content-encoding",)),
    Case("net-redirect-esc", "error", raw=redirect_esc, error_has=("non-http(s)",)),
    Case("net-gzip-bomb", "error", raw=gzip_bomb_raw, error_has=("cut off",)),
    Case("net-double-gzip-bomb", "error", raw=double_gzip, error_has=("cut off",)),
    # Served by pytest-httpserver: ordinary responses with bad news.
    Case("net-404", "error", body=b"gone", http_status=404, error_has=("404",)),
    Case("net-410", "error", body=b"gone", http_status=410, error_has=("410",)),
    Case("net-500", "error", body=b"oops", http_status=500, error_has=("500",)),
    # Rate limits: (name, status, Retry-After, requests the server must see: one retry at most,
    # and only when the wait fits in the timeout).
    *(
        Case(
            name,
            "error",
            body=b"later",
            http_status=status,
            headers={"Retry-After": retry_after} if retry_after else {},
            error_has=(str(status), *says),
            check=hits(f"/{name}", requests),
        )
        for name, status, retry_after, requests, says in [
            # Retry-After 0: the one retry fits the deadline however loaded the machine is.
            ("net-429-retry-1", 429, "0", 2, ()),
            ("net-503-retry-hour", 503, "3600", 1, ("retry after",)),
            ("net-429-retry-date", 429, "Fri, 31 Dec 2099 23:59:59 GMT", 1, ()),
            ("net-503-no-retry-after", 503, "", 1, ()),
        ]
    ),
    Case(
        "net-redirect-loop",
        "error",
        **redirect("/net-redirect-loop-b"),  # type: ignore[arg-type]
        error_has=("too many redirects",),
    ),
    Case(
        "net-redirect-loop-b",
        "error",
        **redirect("/net-redirect-loop"),  # type: ignore[arg-type]
        error_has=("too many redirects",),
    ),
    Case(
        "net-redirect-self",
        "error",
        **redirect("/net-redirect-self", 301),  # type: ignore[arg-type]
        error_has=("too many redirects",),
    ),
    Case(
        "net-redirect-file",
        "error",
        **redirect("file:///etc/passwd"),  # type: ignore[arg-type]
        error_has=("non-http(s)",),
    ),
    Case(
        "net-redirect-javascript",
        "error",
        **redirect("javascript:alert(1)"),  # type: ignore[arg-type]
        error_has=("non-http(s)",),
    ),
    Case("net-redirect-no-location", "error", http_status=302, body=b"", error_has=("location",)),
    Case(
        "net-301-followed",
        "ok",
        **redirect("/net-moved-target", 301),
        items=3,  # type: ignore[arg-type]
        check=relative_links_resolved_against("/net-moved-target"),
    ),
    Case("net-moved-target", "ok", body=GOOD, items=3),
    Case("net-304-unasked", "not_modified", body=b"", http_status=304),
    Case("net-refused", "error", raw=None, body=None),  # URL set below: nothing listens
]


@pytest.fixture(scope="module")
def family(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FamilyRun]:
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    refused_port = probe.getsockname()[1]
    probe.close()  # nothing listens there any more: connection refused
    cases = [case for case in CASES if case.name != "net-refused"]
    gzip_bomb()  # built before the clock starts, not on the server's loop
    with servers(extra_hosts=len(cases)) as (http, raw):
        http.expect_request("/net-refused-unused").respond_with_response(Response(b""))
        refused = Case("net-refused", "error", body=b"", error_has=("refused",))
        from tests.hostile import harness

        original = harness.serve_cases

        def serve(all_cases, http_server, raw_server):
            feeds = original(
                [c for c in all_cases if c.name != "net-refused"], http_server, raw_server
            )
            return [*feeds, ("net-refused", f"http://127.0.0.1:{refused_port}/feed")]

        harness.serve_cases = serve
        try:
            # A 2 MB cap: endless and bomb bodies reach it well within the 2 s deadline, even
            # on a loaded machine (the default 10 MB may not).
            work = tmp_path_factory.mktemp("network")
            run = run_family([*cases, refused], http, raw, work, max_feed_bytes=2_000_000)
        finally:
            harness.serve_cases = original
        yield run


class TestFamily(FamilyChecks):
    """Refresh, every case, the database and the commands (harness.FamilyChecks)."""


def test_second_refresh_makes_no_retry_storm(family: FamilyRun) -> None:
    """Refreshing again asks each rate-limited URL at most twice more (one honoured retry)."""
    before = {path: family.http_hits(path) for path in ("/net-429-retry-1", "/net-503-retry-hour")}
    again = family.cli("refresh", "--json")
    assert again.code == 0
    family.assert_timeout_honoured(again)
    assert family.http_hits("/net-429-retry-1") - before["/net-429-retry-1"] <= 2
    assert family.http_hits("/net-503-retry-hour") - before["/net-503-retry-hour"] <= 1
