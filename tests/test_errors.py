"""errors.py: every failure message is one printable, bounded, non-empty line."""

from __future__ import annotations

import pytest

from tui_reader.errors import MAX_ERROR_CHARS, describe, one_line

ONE_LINE = {
    "plain": "plain",
    "two\nlines": "two lines",
    "  spaced \t  out  ": "spaced out",
    "esc\x1b[31m red\x07": "esc [31m red",
    "c1\x9bcontrol": "c1 control",
    "bidi\u202eevil": "bidi evil",
    "": "unknown error",
    "\n\x00 ": "unknown error",
}


@pytest.mark.parametrize(("message", "line"), ONE_LINE.items())
def test_one_line(message: str, line: str) -> None:
    assert one_line(message) == line


def test_one_line_is_capped() -> None:
    line = one_line("word " * 1000)
    assert len(line) == MAX_ERROR_CHARS and line.endswith("…")
    assert len(one_line("x" * 500, limit=200)) == 200


def test_describe_names_the_exception() -> None:
    assert describe(RuntimeError("boom\nsecond line")) == "RuntimeError: boom second line"
    assert describe(ValueError()) == "ValueError:"
