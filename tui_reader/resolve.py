"""Host names resolved with a bound: an offline machine must not wait on DNS.

`getaddrinfo` blocks, and asyncio runs it in its default thread pool, which `asyncio.run`
waits for at exit: a lookup that hangs for a minute keeps a finished CLI command alive that
long. `problem` runs the lookup in a daemon thread instead and stops waiting after
`timeout` seconds; the thread is abandoned (it ends with the lookup, or with the process).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import threading

__all__ = ["DEFAULT_TIMEOUT", "problem"]

#: Seconds a lookup may take before the host counts as unreachable for this run.
DEFAULT_TIMEOUT = 3.0


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


async def problem(host: str, port: int, *, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """None when `host` resolves within `timeout` seconds, else a one-line reason."""
    if not host or _is_address(host) or host == "localhost":
        return None
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str | None] = loop.create_future()

    def settle(value: str | None) -> None:
        if not answer.done():
            answer.set_result(value)

    def lookup() -> None:
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            value: str | None = None
        except (OSError, UnicodeError):
            value = f"could not resolve host {host}"
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
            loop.call_soon_threadsafe(settle, value)

    threading.Thread(target=lookup, name=f"resolve {host}", daemon=True).start()
    try:
        return await asyncio.wait_for(asyncio.shield(answer), timeout)
    except TimeoutError:
        return f"could not resolve host {host} (no answer within {timeout:g} s)"
