"""Per-feed refresh intervals: which feeds are due (`refresh --due`, the reader's timer)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from tui_reader.models import Config, FeedConfig
from tui_reader.store import FeedState

__all__ = ["due_feeds", "feed_interval", "next_due_in"]


def feed_interval(config: Config, feed: FeedConfig) -> int:
    """Minutes between refreshes of `feed` (its own setting, else the global); 0 = manual."""
    if feed.refresh_interval is not None:
        return feed.refresh_interval
    return config.settings.refresh_interval


def _last_refresh(state: FeedState | None) -> datetime | None:
    if state is None or not state.last_refresh:
        return None
    try:
        moment = datetime.fromisoformat(state.last_refresh)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def due_feeds(
    config: Config,
    feeds: Sequence[FeedConfig],
    states: Mapping[str, FeedState],
    now: datetime,
) -> tuple[list[FeedConfig], list[FeedConfig]]:
    """Split `feeds` into `(due, not_due)`.

    A feed is due when its interval has elapsed since its last refresh, or when it was never
    refreshed; a feed with interval 0 (manual only) is never due.
    """
    due: list[FeedConfig] = []
    waiting: list[FeedConfig] = []
    for feed in feeds:
        interval = feed_interval(config, feed)
        last = _last_refresh(states.get(feed.url))
        if interval > 0 and (last is None or now - last >= timedelta(minutes=interval)):
            due.append(feed)
        else:
            waiting.append(feed)
    return due, waiting


def next_due_in(
    config: Config, feeds: Sequence[FeedConfig], states: Mapping[str, FeedState], now: datetime
) -> float | None:
    """Seconds until the next feed becomes due (0 when one is due now); None: all manual."""
    waits: list[float] = []
    for feed in feeds:
        interval = feed_interval(config, feed)
        if interval <= 0:
            continue
        last = _last_refresh(states.get(feed.url))
        if last is None:
            return 0.0
        waits.append(max(0.0, (last + timedelta(minutes=interval) - now).total_seconds()))
    return min(waits) if waits else None
