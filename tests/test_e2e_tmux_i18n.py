"""End to end in both languages: the installed `tui-reader --demo` in tmux, per LANG."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.test_e2e_tmux import SCRIPT, TMUX, pytestmark, tmux, wait_for

__all__ = ["pytestmark"]


def run_demo(tmp_path: Path, lang: str, expected: str, absent: str) -> str:
    session = f"tui-reader-{uuid.uuid4().hex[:8]}"
    command = f"{SCRIPT} --demo --data-dir {tmp_path / 'demo-data'}"
    tmux(
        "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
        "-e", "TERM=xterm-256color", "-e", f"LANG={lang}", "-e", "LC_ALL=", "-e", "LC_MESSAGES=",
        command,
    )  # fmt: skip
    try:
        screen = wait_for(session, expected)
        assert absent not in screen
        tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if subprocess.run([TMUX or "tmux", "has-session", "-t", session]).returncode:
                break
            time.sleep(0.2)
        return screen
    finally:
        subprocess.run([TMUX or "tmux", "kill-session", "-t", session], capture_output=True)


@pytest.mark.parametrize(
    ("lang", "hints", "absent"),
    [
        ("fr_FR.UTF-8", "? Aide  q Quitter", "? Help"),
        ("C.UTF-8", "? Help  q Quit", "Aide"),
    ],
)
def test_demo_speaks_the_language_of_lang(
    tmp_path: Path, lang: str, hints: str, absent: str
) -> None:
    screen = run_demo(tmp_path, lang, hints, absent)
    assert "Fuite de données" in screen  # the headlines are there too
