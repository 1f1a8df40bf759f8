"""Desktop notifications: the terminal's own (OSC 777 and OSC 9) and `notify-send`.

Titles come from feeds: they are cleaned and stripped of the characters that would end or
split the escape sequence, so a feed can never write to the terminal through a notification.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping

from tui_reader.text import clean_text

__all__ = ["notification_sequence", "send_notification"]

_MAX_CHARS = 200


def _safe(text: str) -> str:
    """One line of printable text, without `;` (the OSC 777 separator), bounded."""
    line = clean_text(text, single_line=True).replace(";", ",")
    line = "".join(ch for ch in line if ch.isprintable())
    return line if len(line) <= _MAX_CHARS else line[: _MAX_CHARS - 1] + "…"


def notification_sequence(title: str, body: str, *, tmux: bool = False) -> str:
    """OSC 777 (urxvt, foot, kitty, WezTerm…) then OSC 9 (iTerm2, Windows Terminal…).

    Inside tmux each sequence is wrapped for passthrough (ESC doubled inside a DCS).
    """
    title, body = _safe(title), _safe(body)
    sequences = [f"\x1b]777;notify;{title};{body}\x1b\\", f"\x1b]9;{title}: {body}\x1b\\"]
    if tmux:
        sequences = ["\x1bPtmux;" + seq.replace("\x1b", "\x1b\x1b") + "\x1b\\" for seq in sequences]
    return "".join(sequences)


def send_notification(
    title: str,
    body: str,
    *,
    write: Callable[[str], object] | None = None,
    env: Mapping[str, str] = os.environ,
) -> subprocess.Popen[bytes] | None:
    """Notify through the terminal (`write` the sequence; None: skip) and `notify-send`.

    Returns the detached `notify-send` process, if one was started (nobody needs to wait).
    """
    if write is not None:
        with contextlib.suppress(OSError, ValueError):
            write(notification_sequence(title, body, tmux=bool(env.get("TMUX"))))
    program = shutil.which("notify-send", path=env.get("PATH"))
    if program is not None:
        with contextlib.suppress(OSError):
            return subprocess.Popen(
                [program, "--app-name=tui-reader", _safe(title), _safe(body)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
    return None
