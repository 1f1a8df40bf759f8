"""End to end in tmux: the demo's TikTok story shows its picture in half-block cells, and the
article rewraps when the terminal shrinks from 120×40 to 80×24."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from tests.test_e2e_tmux import SCRIPT, TMUX, pytestmark  # noqa: F401

SOCKET = f"tui-reader-reading-{uuid.uuid4().hex[:8]}"  # a server of its own: no shared state


def tmux(*args: str) -> str:
    assert TMUX is not None, "tmux is required for the end-to-end test"
    return subprocess.run(
        [TMUX, "-L", SOCKET, *args], capture_output=True, text=True, check=True
    ).stdout


def wait_for(session: str, text: str, timeout: float = 20.0) -> str:
    """Poll the pane until `text` shows (the app runs in another process)."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the pane shows:\n{screen}")


def wait_until(session: str, condition: Callable[[str], bool], timeout: float = 20.0) -> str:
    """Poll the pane until `condition(screen)` holds."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if condition(screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"the pane never showed what was expected:\n{screen}")


def test_demo_picture_in_half_blocks_and_rewrap_on_resize(tmp_path: Path) -> None:
    session = f"tui-reader-{uuid.uuid4().hex[:8]}"
    # Without COLUMNS/LINES (set under pytest): the app must read the size of its terminal.
    command = f"env -u COLUMNS -u LINES {SCRIPT} --demo --data-dir {tmp_path / 'demo-data'}"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-e", "TERM=xterm-256color",
         command)  # fmt: skip
    try:
        wait_until(session, lambda screen: "Fuite de données" in screen
                   and max(map(len, screen.splitlines())) > 100)  # fmt: skip
        tmux("send-keys", "-t", session, "/")
        wait_for(session, "Search syntax")
        tmux("send-keys", "-t", session, "-l", "tiktok")
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, "search: tiktok")
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, "une menace qui pesait")
        tmux("send-keys", "-t", session, "space")
        # The picture follows its alt text (it is downloaded, here read from the bundle).
        wait_until(session, lambda screen: screen.count("▀▀▀▀▀▀▀▀▀▀") >= 4)
        # Now that it is drawn, read the page again from the top: the picture, its alt text.
        tmux("send-keys", "-t", session, "PageUp")
        wait_for(session, "C’est une menace")
        tmux("send-keys", "-t", session, "space")
        wait_until(
            session,
            lambda screen: (
                screen.count("▀▀▀▀▀▀▀▀▀▀") >= 6
                and "Un smartphone affichant le logo de TikTok" in screen
            ),
        )
        # Colours, not only characters: the cells carry foreground and background colours.
        coloured = tmux("capture-pane", "-p", "-e", "-t", session)
        assert "▀" in coloured and ("48;5;" in coloured or "48;2;" in coloured)

        tmux("send-keys", "-t", session, "PageUp")
        wait_for(session, "C’est une menace")
        tmux("resize-window", "-t", session, "-x", "80", "-y", "24")
        # At 120 columns "chinoise" ends the first line and "détenue" starts the second; left
        # unwrapped at 80 the first line would be cut after "TikTok,". Rewrapped, they meet.
        wait_until(session, lambda screen: "application chinoise détenue" in screen)
        tmux("send-keys", "-t", session, "q")
    finally:
        subprocess.run([TMUX, "-L", SOCKET, "kill-server"], capture_output=True, check=False)
