"""Terminal notifications: OSC 777 / OSC 9, tmux passthrough, hostile titles, notify-send."""

from __future__ import annotations

import stat
from pathlib import Path

from tui_reader.notify import notification_sequence, send_notification


def test_osc_777_and_9() -> None:
    assert notification_sequence("Sécu: 2 new items", "Faille") == (
        "\x1b]777;notify;Sécu: 2 new items;Faille\x1b\\\x1b]9;Sécu: 2 new items: Faille\x1b\\"
    )


def test_tmux_passthrough_doubles_escapes() -> None:
    wrapped = notification_sequence("T", "B", tmux=True)
    assert wrapped == (
        "\x1bPtmux;\x1b\x1b]777;notify;T;B\x1b\x1b\\\x1b\\\x1bPtmux;\x1b\x1b]9;T: B\x1b\x1b\\\x1b\\"
    )


def test_hostile_text_cannot_escape_the_sequence() -> None:
    hostile = "evil\x1b]52;c;ZXZpbA==\x07\x1b\\ ; next\x9c\nline [bold]x[/]"
    sequence = notification_sequence(hostile, hostile)
    inner = sequence.split("\x1b\\")
    # Exactly the two sequences, each opened once, and nothing from the text as a control.
    assert sequence.count("\x1b") == 4 and "\x07" not in sequence and "\x9c" not in sequence
    assert inner[0].startswith("\x1b]777;notify;") and inner[0].count(";") == 3
    assert "\n" not in sequence


def test_notify_send_is_called_when_on_path(tmp_path: Path) -> None:
    log = tmp_path / "args"
    program = tmp_path / "notify-send"
    program.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\n', encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    written: list[str] = []
    process = send_notification("Title", "Body", write=written.append, env={"PATH": str(tmp_path)})
    assert written == [notification_sequence("Title", "Body")]
    assert process is not None and process.wait(timeout=10) == 0
    assert log.read_text().splitlines() == ["--app-name=tui-reader", "Title", "Body"]


def test_no_notify_send_no_error(tmp_path: Path) -> None:
    send_notification("T", "B", write=None, env={"PATH": str(tmp_path)})
