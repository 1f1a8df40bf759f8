"""Errors as one line: the one rule for every message a failure shows (fetch, full text,
refresh, OPML, the CLI and the app's notifications).

A line holds no control characters or line breaks (they become spaces), its whitespace is
collapsed, it is capped with "…", and it is never empty.
"""

from __future__ import annotations

__all__ = ["MAX_ERROR_CHARS", "describe", "one_line"]

MAX_ERROR_CHARS = 300


def one_line(message: str, limit: int = MAX_ERROR_CHARS) -> str:
    """`message` as a single printable line of at most `limit` characters."""
    line = " ".join("".join(ch if ch.isprintable() else " " for ch in message).split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line or "unknown error"


def describe(error: BaseException, limit: int = MAX_ERROR_CHARS) -> str:
    """An unexpected exception as one line: "ValueError: what it said"."""
    return one_line(f"{type(error).__name__}: {error}", limit)
