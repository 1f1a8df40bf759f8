"""Rows → dataclasses: the one mapping for each shape the store returns.

`Article` rows are selected with `HEADLINE_COLUMNS` (a list row) or `FULL_COLUMNS` (the
reading pane) and turned into `Article`s by `articles_from_rows` only; feeds become
`FeedState` (`feed_state_from_row`) or `FeedCount` (`feed_count_from_row`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tui_reader.models import Article
from tui_reader.store.values import chunks, marks


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the store remembers about a feed between refreshes."""

    url: str
    name: str
    tags: tuple[str, ...]
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    last_refresh: str | None  # ISO 8601 UTC
    last_status: str | None
    last_error: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class FeedCount:
    """A sidebar row: a feed with its article counts and last fetch outcome."""

    name: str
    url: str
    tags: tuple[str, ...]
    total: int
    unread: int
    last_status: str | None
    last_error: str | None
    account: str | None = None  # the sync account the feed comes from (None: the config)


# Each shape's columns after the leading id (`a.id` / `f.id`), named by the dataclass field
# each one fills: the SELECT lists below and the mappings read these same tables.
_HEADLINE_FIELDS = (
    ("feed", "f.name"),
    ("feed_url", "f.url"),
    ("title", "a.title"),
    ("link", "a.link"),
    ("author", "a.author"),
    ("published", "a.published"),
    ("read", "a.read"),
    ("bookmarked", "a.bookmarked"),
    ("feed_id", "a.feed_id"),
)
_TEXT_FIELDS = (
    ("summary", "a.summary"),
    ("body", "a.body"),
    ("full_text", "a.full_text"),
    ("full_text_error", "a.full_text_error"),
)
_FEED_STATE_FIELDS = tuple(
    (name, name)
    for name in (
        "url",
        "name",
        "etag",
        "last_modified",
        "body_hash",
        "last_refresh",
        "last_status",
        "last_error",
        "active",
    )
)
_FEED_COUNT_FIELDS = (
    ("name", "f.name"),
    ("url", "f.url"),
    ("total", "COALESCE(c.total, 0)"),
    ("unread", "COALESCE(c.unread, 0)"),
    ("last_status", "f.last_status"),
    ("last_error", "f.last_error"),
)


def _columns(id_column: str, *fields: tuple[tuple[str, str], ...]) -> str:
    return ", ".join([id_column, *(column for table in fields for _, column in table)])


def _names(*fields: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The field name of each column of a row: `id`, then those of `fields`."""
    return ("id", *(name for table in fields for name, _ in table))


HEADLINE_COLUMNS = _columns("a.id", _HEADLINE_FIELDS)
FULL_COLUMNS = _columns("a.id", _HEADLINE_FIELDS, _TEXT_FIELDS)
# CROSS JOIN keeps `articles` the outer loop so the ORDER BY walks an index, never sorts.
FROM = "FROM articles a CROSS JOIN feeds f ON f.id = a.feed_id"
ORDER_DESC = "ORDER BY a.published DESC, a.id DESC"
ORDER_ASC = "ORDER BY a.published ASC, a.id ASC"

FEED_STATE_COLUMNS = _columns("id", _FEED_STATE_FIELDS)
FEED_COUNT_COLUMNS = _columns("f.id", _FEED_COUNT_FIELDS)
_ARTICLE_NAMES = _names(_HEADLINE_FIELDS, _TEXT_FIELDS)  # a headline row stops before the text
_FEED_ID_AT = _ARTICLE_NAMES.index("feed_id")
_FEED_STATE_NAMES = _names(_FEED_STATE_FIELDS)
_FEED_COUNT_NAMES = _names(_FEED_COUNT_FIELDS)


def feed_state_from_row(row: Sequence[Any], tags: dict[int, tuple[str, ...]]) -> FeedState:
    """A row of `FEED_STATE_COLUMNS` → `FeedState`."""
    values = dict(zip(_FEED_STATE_NAMES, row, strict=True))
    feed_id = values.pop("id")
    values["active"] = bool(values["active"])
    return FeedState(tags=tags.get(feed_id, ()), **values)


def feed_count_from_row(
    row: Sequence[Any], tags: dict[int, tuple[str, ...]], accounts: dict[int, str]
) -> FeedCount:
    """A row of `FEED_COUNT_COLUMNS` → `FeedCount`."""
    values = dict(zip(_FEED_COUNT_NAMES, row, strict=True))
    feed_id = values.pop("id")
    values["total"], values["unread"] = int(values["total"]), int(values["unread"])
    return FeedCount(tags=tags.get(feed_id, ()), account=accounts.get(feed_id), **values)


def articles_from_rows(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> list[Article]:
    """Rows of `HEADLINE_COLUMNS` (or `FULL_COLUMNS`) → Articles with their tags and account."""
    if not rows:
        return []
    tags = tags_by_feed(conn, {row[_FEED_ID_AT] for row in rows})
    rule_tags = rule_tags_by_article(conn, [row[0] for row in rows])
    accounts = accounts_by_feed(conn)
    out: list[Article] = []
    for row in rows:
        values = dict(zip(_ARTICLE_NAMES, row))  # noqa: B905 (a headline row is the shorter)
        feed_id = values.pop("feed_id")
        values["read"], values["bookmarked"] = bool(values["read"]), bool(values["bookmarked"])
        values["tags"] = merge_tags(tags.get(feed_id, ()), rule_tags.get(row[0], ()))
        out.append(Article(account=accounts.get(feed_id), **values))
    return out


def tags_by_feed(
    conn: sqlite3.Connection, feed_ids: set[int] | None = None
) -> dict[int, tuple[str, ...]]:
    """Tags of the given feeds (all feeds when None), in config order."""
    out: dict[int, list[str]] = {}
    if feed_ids is None:
        rows = conn.execute("SELECT feed_id, tag FROM feed_tags ORDER BY feed_id, position")
        for feed_id, tag in rows:
            out.setdefault(feed_id, []).append(tag)
    else:
        ids = sorted(feed_ids)
        for chunk in chunks(ids):
            rows = conn.execute(
                f"SELECT feed_id, tag FROM feed_tags WHERE feed_id IN ({marks(len(chunk))}) "
                "ORDER BY feed_id, position",
                list(chunk),
            )
            for feed_id, tag in rows:
                out.setdefault(feed_id, []).append(tag)
    return {feed_id: tuple(tags) for feed_id, tags in out.items()}


def rule_tags_by_article(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    """Tags that rules gave to the articles `ids`."""
    out: dict[int, list[str]] = {}
    for chunk in chunks(list(ids)):
        rows = conn.execute(
            f"SELECT article_id, tag FROM article_tags WHERE article_id IN "
            f"({marks(len(chunk))}) ORDER BY article_id, tag",
            list(chunk),
        )
        for article_id, tag in rows:
            out.setdefault(article_id, []).append(tag)
    return out


def accounts_by_feed(conn: sqlite3.Connection) -> dict[int, str]:
    """The sync account of every account feed, by feed id (few rows)."""
    return dict(conn.execute("SELECT feed_id, account FROM account_feeds").fetchall())


def merge_tags(feed_tags: tuple[str, ...], rule_tags: Sequence[str]) -> tuple[str, ...]:
    """Feed tags first, then the rules' tags that the feed does not already carry."""
    if not rule_tags:
        return feed_tags
    seen = {tag.casefold() for tag in feed_tags}
    extra = [tag for tag in rule_tags if tag.casefold() not in seen]
    return feed_tags + tuple(extra)
