"""Servers for the hostile suite, on the loopback, running in background threads.

The CLI under test runs its own event loop (`asyncio.run`) in the test's thread, so the servers
must live elsewhere: pytest-httpserver (threaded werkzeug) for ordinary responses, and
`RawServer`, an asyncio server on its own loop and thread, for byte-level faults.

`RawServer` listens on 127.0.0.1 and on further loopback addresses (127.0.0.2, …) with the
same port, so each hostile case can get a host of its own: the fetcher limits connections
per host, and cases that hang must not wait for each other's slot.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Awaitable, Callable

from tests.hostile_server import read_request

RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, bytes], Awaitable[None]]


class RawServer:
    """A raw TCP server in a thread; routes each connection by the path of its first request."""

    def __init__(self, extra_hosts: int = 0) -> None:
        self.hosts = ["127.0.0.1"] + [f"127.0.0.{n}" for n in range(2, 2 + extra_hosts)]
        self.port = 0
        self.routes: dict[str, RawHandler] = {}
        self.hits: Counter[str] = Counter()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self) -> RawServer:
        """Start listening on every host (one port) and return self."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        first = await asyncio.start_server(self._serve, self.hosts[0], 0)
        self.port = first.sockets[0].getsockname()[1]
        self._servers.append(first)
        if len(self.hosts) > 1:
            self._servers.append(await asyncio.start_server(self._serve, self.hosts[1:], self.port))

    def stop(self) -> None:
        """Close the listeners, cancel hanging handlers and end the thread."""
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _stop(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def __enter__(self) -> RawServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def route(self, path: str, handler: RawHandler) -> None:
        """Serve `path` with `handler(reader, writer, request_head)`."""
        self.routes[path] = handler

    def url(self, path: str, host: int = 0) -> str:
        """The URL of `path` on the `host`-th loopback address."""
        return f"http://{self.hosts[host]}:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await read_request(reader)
            path = head.split(b" ", 2)[1].decode("latin-1") if head.count(b" ") >= 2 else "/"
            self.hits[path] += 1
            handler = self.routes.get(path)
            if handler is None:
                writer.write(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
            else:
                await handler(reader, writer, head)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass  # stop() cancels hanging handlers; asyncio would log a cancelled callback task
        finally:
            self._tasks.discard(task)
            writer.close()


def response_head(
    status: str = "200 OK", headers: dict[str, str] | None = None, *, length: int | None = None
) -> bytes:
    """An HTTP/1.1 response head; Connection: close so one connection serves one request."""
    lines = [f"HTTP/1.1 {status}"]
    all_headers = {"Content-Type": "application/rss+xml", "Connection": "close"}
    if length is not None:
        all_headers["Content-Length"] = str(length)
    all_headers.update(headers or {})
    lines += [f"{key}: {value}" for key, value in all_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
