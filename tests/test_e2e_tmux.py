"""End to end: the installed `tui-reader --demo` in a real terminal (tmux), driven by keys."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
SCRIPT = Path(sys.executable).with_name("tui-reader")

pytestmark = pytest.mark.skipif(
    TMUX is None and not os.environ.get("CI"),
    reason="tmux is not installed (CI installs it; there this test must run)",
)


def tmux(*args: str) -> str:
    assert TMUX is not None, "tmux is required for the end-to-end test"
    return subprocess.run([TMUX, *args], capture_output=True, text=True, check=True).stdout


def session_alive(session: str) -> bool:
    assert TMUX is not None
    probe = subprocess.run([TMUX, "has-session", "-t", session], capture_output=True)
    return probe.returncode == 0


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


def test_demo_open_tiktok_and_bookmark_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo-data"
    session = f"tui-reader-{uuid.uuid4().hex[:8]}"
    command = f"{SCRIPT} --demo --data-dir {data_dir}"
    tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "120",
        "-y",
        "40",
        "-e",
        "TERM=xterm-256color",
        command,
    )
    try:
        wait_for(session, "Fuite de données")
        tmux("send-keys", "-t", session, "/")
        wait_for(session, "Search syntax")
        tmux("send-keys", "-t", session, "-l", "tiktok")
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, "search: tiktok")
        tmux("send-keys", "-t", session, "Enter")
        screen = wait_for(session, "une menace qui pesait")
        assert "TikTok sollicite" in screen
        tmux("send-keys", "-t", session, "b")
        wait_for(session, "Bookmarked")
        tmux("send-keys", "-t", session, "q")
        # The session ends when its one command (the app) exits: `q` must end the app.
        deadline = time.monotonic() + 20
        while session_alive(session):
            if time.monotonic() > deadline:
                raise AssertionError(
                    "the app still runs 20 s after q; the pane shows:\n"
                    + tmux("capture-pane", "-p", "-t", session)
                )
            time.sleep(0.2)
    finally:
        subprocess.run([TMUX, "kill-session", "-t", session], capture_output=True, check=False)

    result = subprocess.run(
        [str(SCRIPT), "--demo", "--data-dir", str(data_dir), "bookmarks", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    bookmarks = json.loads(result.stdout)
    assert [b["title"] for b in bookmarks] == [
        "Face à son interdiction aux USA, TikTok sollicite l’aide de Facebook et Instagram"
    ]
    assert bookmarks[0]["bookmarked"] is True and bookmarks[0]["read"] is True
