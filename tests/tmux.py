"""The installed `tui-reader` in a real terminal: one tmux server per test, driven by keys.

`needs_tmux` skips a module where tmux is missing (never in CI, which installs it); the
`tmux` fixture of `tests/conftest.py` hands each test a `Tmux` on a socket of its own and
kills that server afterwards, whatever happened.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
SCRIPT = Path(sys.executable).with_name("tui-reader")
TIMEOUT = 20.0

needs_tmux = pytest.mark.skipif(
    TMUX is None and not os.environ.get("CI"),
    reason="tmux is not installed (CI installs it; there this test must run)",
)


class Tmux:
    """A tmux server of its own (`-L socket`): no state shared with other tests or the user."""

    def __init__(self) -> None:
        assert TMUX is not None, "tmux is required for the end-to-end tests"
        self.socket = f"tui-reader-{uuid.uuid4().hex[:8]}"

    def __call__(self, *args: str) -> str:
        assert TMUX is not None
        command = [TMUX, "-L", self.socket, *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def start(self, command: str, *env: str, size: tuple[int, int] = (120, 40)) -> str:
        """Run `command` as the only program of a new session; `env` as `NAME=value`."""
        session = f"tui-reader-{uuid.uuid4().hex[:8]}"
        variables = [arg for name in ("TERM=xterm-256color", *env) for arg in ("-e", name)]
        self("new-session", "-d", "-s", session, "-x", str(size[0]), "-y", str(size[1]),
             *variables, command)  # fmt: skip
        return session

    def keys(self, session: str, *keys: str, literal: bool = False) -> None:
        self("send-keys", "-t", session, *(["-l"] if literal else []), *keys)

    def screen(self, session: str, colours: bool = False) -> str:
        return self("capture-pane", "-p", *(["-e"] if colours else []), "-t", session)

    def wait_until(
        self, session: str, condition: Callable[[str], bool], timeout: float = TIMEOUT
    ) -> str:
        """Poll the pane until `condition(screen)` holds (the app runs in another process)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen(session)
            if condition(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"the pane never showed what was expected; it shows:\n{screen}")

    def wait_for(self, session: str, text: str, timeout: float = TIMEOUT) -> str:
        """Poll the pane until `text` shows."""
        try:
            return self.wait_until(session, lambda screen: text in screen, timeout)
        except AssertionError as error:
            raise AssertionError(f"{text!r} never appeared; {error}") from None

    def alive(self, session: str) -> bool:
        assert TMUX is not None
        probe = [TMUX, "-L", self.socket, "has-session", "-t", session]
        return subprocess.run(probe, capture_output=True).returncode == 0

    def quit(self, session: str, key: str = "q", timeout: float = TIMEOUT) -> None:
        """Press `key` and require the app to exit: its session ends with its one command."""
        self.keys(session, key)
        deadline = time.monotonic() + timeout
        while self.alive(session):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the app still runs {timeout:.0f} s after {key!r}; the pane shows:\n"
                    + self.screen(session)
                )
            time.sleep(0.2)

    def kill(self) -> None:
        assert TMUX is not None
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True, check=False)


def search_and_open(tmux: Tmux, session: str, query: str, text: str) -> str:
    """`/` then `query` then Enter, then Enter on the first result; wait for `text` in it."""
    tmux.keys(session, "/")
    tmux.wait_for(session, "Search syntax")
    tmux.keys(session, query, literal=True)
    tmux.keys(session, "Enter")
    tmux.wait_for(session, f"search: {query}")
    tmux.keys(session, "Enter")
    return tmux.wait_for(session, text)
