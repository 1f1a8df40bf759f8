"""Serve a benchmark corpus on 127.0.0.1 with added latency and HTTP validators (issue 7).

    python bench/server.py DIR --port 8765 --latency-ms 50 [--no-validators] [--gzip]

Every request waits `--latency-ms` before its answer (304s included), like a distant server.
By default each file carries a strong ETag (a hash of its bytes) and a Last-Modified date
(its mtime), and conditional requests are answered 304 Not Modified: If-None-Match wins over
If-Modified-Since, as RFC 9110 says. `--no-validators` sends neither header and always answers
200 with the full body: the "unchanged bodies, no validators" case.

One thread per connection (ThreadingHTTPServer, HTTP/1.1 keep-alive) with a deep listen
backlog, so 200+ clients at once are served in parallel; files are read once and kept in memory
until their mtime or size changes. `--port 0` picks a free port; the first line on stdout is
always `serving DIR at URL`, for scripts that wait for it.

`--listeners N` serves the same files on N ports (PORT, PORT+1, … or N free ports with
`--port 0`), one line per extra port: `also at URL`. Real feeds come from many sites, and
clients limit connections per origin (scheme, host, port), so a corpus spread over several
ports behaves like one spread over several sites, without leaving 127.0.0.1.

`--hosts N` serves the same files on N loopback addresses instead (127.0.0.1 … 127.0.0.N),
all on the same port, one line per extra address: like N sites on the web (issue 11).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import sys
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".toml": "text/plain; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class CachedFile:
    """A file's bytes and validators, valid while its (mtime_ns, size) is unchanged."""

    stamp: tuple[int, int]
    body: bytes
    gzipped: bytes | None
    etag: str
    last_modified: str
    mtime: int  # whole seconds, as Last-Modified carries them


class CorpusCache:
    """Thread-safe in-memory cache of the files under one directory."""

    def __init__(self, root: Path, compress: bool) -> None:
        self.root = root.resolve()
        self.compress = compress
        self._files: dict[Path, CachedFile] = {}
        self._lock = threading.Lock()

    def get(self, url_path: str) -> tuple[Path, CachedFile] | None:
        """Return the file for a request path, or None when it is missing or outside the root."""
        rel = unquote(urlsplit(url_path).path).lstrip("/")
        path = (self.root / rel).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        with self._lock:
            cached = self._files.get(path)
        if cached is None or cached.stamp != stamp:
            body = path.read_bytes()
            cached = CachedFile(
                stamp=stamp,
                body=body,
                gzipped=gzip.compress(body, compresslevel=6, mtime=0) if self.compress else None,
                etag='"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"',
                last_modified=formatdate(st.st_mtime, usegmt=True),
                mtime=int(st.st_mtime),
            )
            with self._lock:
                self._files[path] = cached
        return path, cached


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison, as RFC 9110 prescribes for If-None-Match."""
    if header.strip() == "*":
        return True
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags or etag[:-1] + '-gz"' in tags


def _not_modified(handler: BaseHTTPRequestHandler, f: CachedFile) -> bool:
    inm = handler.headers.get("If-None-Match")
    if inm is not None:
        return _etag_matches(inm, f.etag)
    ims = handler.headers.get("If-Modified-Since")
    if ims is None:
        return False
    try:
        since = parsedate_to_datetime(ims).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    return f.mtime <= since


def make_handler(
    cache: CorpusCache, latency_s: float, validators: bool, verbose: bool
) -> type[BaseHTTPRequestHandler]:
    """Build the request handler class bound to one corpus and one set of options."""

    class CorpusHandler(BaseHTTPRequestHandler):
        """GET/HEAD for corpus files, with latency and (optionally) validators."""

        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def version_string(self) -> str:
            return "tui-reader-bench/1"

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            if latency_s:
                time.sleep(latency_s)
            found = cache.get(self.path)
            if found is None:
                self._plain(HTTPStatus.NOT_FOUND, b"not found\n", send_body)
                return
            path, f = found
            use_gzip = f.gzipped is not None and "gzip" in self.headers.get("Accept-Encoding", "")
            # A strong ETag names one representation, so the gzipped one gets its own.
            etag = f.etag[:-1] + '-gz"' if use_gzip else f.etag
            if validators and _not_modified(self, f):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", f.last_modified)
                self.end_headers()
                return
            body = f.gzipped if use_gzip and f.gzipped is not None else f.body
            self.send_response(HTTPStatus.OK)
            self.send_header(
                "Content-Type", CONTENT_TYPES.get(path.suffix, "application/octet-stream")
            )
            if use_gzip:
                self.send_header("Content-Encoding", "gzip")
            if f.gzipped is not None:
                self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(len(body)))
            if validators:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", f.last_modified)
                self.send_header("Cache-Control", "no-cache")
            else:
                self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def _plain(self, status: HTTPStatus, body: bytes, send_body: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            if verbose:
                super().log_message(format, *args)

    return CorpusHandler


class CorpusServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with a listen backlog deep enough for hundreds of clients at once."""

    daemon_threads = True
    request_queue_size = 1024


def _bind_hosts(count: int, port: int, handler: type[BaseHTTPRequestHandler]) -> list[CorpusServer]:
    """Servers on 127.0.0.1 … 127.0.0.`count`, all on one port (`port` 0: a free one)."""
    for _attempt in range(20):
        first = CorpusServer(("127.0.0.1", port), handler)
        chosen = first.server_address[1]
        servers = [first]
        try:
            for index in range(2, count + 1):
                servers.append(CorpusServer((f"127.0.0.{index}", chosen), handler))
        except OSError:
            for server in servers:
                server.server_close()
            if port:
                raise
            continue  # the free port of 127.0.0.1 is taken on another address: try again
        return servers
    raise OSError(98, "no port free on every loopback address")


def main(argv: list[str] | None = None) -> int:
    """Command line: serve DIR until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="corpus directory (from bench/corpus.py)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any)")
    parser.add_argument(
        "--latency-ms", type=float, default=50.0, help="added delay per request (default 50)"
    )
    parser.add_argument(
        "--no-validators",
        action="store_true",
        help="send no ETag/Last-Modified and always answer 200",
    )
    parser.add_argument(
        "--gzip", action="store_true", help="gzip bodies for clients that accept it"
    )
    parser.add_argument(
        "--listeners", type=int, default=1, help="serve on this many ports (default 1)"
    )
    parser.add_argument(
        "--hosts",
        type=int,
        default=1,
        help="serve on 127.0.0.1 … 127.0.0.N, same port (default 1; not with --listeners)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        parser.error(f"{args.dir}: not a directory; create it with bench/corpus.py")
    if args.latency_ms < 0:
        parser.error("--latency-ms must be >= 0")
    if not 1 <= args.listeners <= 256:
        parser.error("--listeners must be between 1 and 256")

    cache = CorpusCache(args.dir, compress=args.gzip)
    handler = make_handler(
        cache, args.latency_ms / 1000, validators=not args.no_validators, verbose=args.verbose
    )
    if not 1 <= args.hosts <= 254 or (args.hosts > 1 and args.listeners > 1):
        parser.error("--hosts must be between 1 and 254, and not used with --listeners")
    servers: list[CorpusServer] = []
    try:
        if args.hosts > 1:
            servers = _bind_hosts(args.hosts, args.port, handler)
        for index in range(args.listeners if args.hosts == 1 else 0):
            port = args.port + index if args.port else 0
            servers.append(CorpusServer((args.host, port), handler))
    except OSError as exc:
        print(f"server.py: cannot listen on {args.host}: {exc.strerror}", file=sys.stderr)
        for server in servers:
            server.server_close()
        return 1
    for index, server in enumerate(servers):
        host, port = server.server_address[:2]
        prefix = f"serving {args.dir} at" if index == 0 else "also at"
        print(f"{prefix} http://{host}:{port}/", flush=True)
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        servers[0].serve_forever()
    for server in servers:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
