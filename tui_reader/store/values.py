"""Small conversions between Python values and the store's SQL: dates, id lists, markers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

MAX_PARAMS = 500  # ids per statement; well under SQLITE_MAX_VARIABLE_NUMBER everywhere


def iso(moment: datetime) -> str:
    """A datetime as the stored ISO 8601 UTC form (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def normalize_published(value: str) -> str | None:
    """Feed date → stored form, or None when missing or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return iso(moment)


def chunks(items: Sequence[int], size: int = MAX_PARAMS) -> Iterator[Sequence[int]]:
    """Slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int) -> str:
    """`?, ?, ?` for `count` parameters."""
    return ", ".join("?" * count)
