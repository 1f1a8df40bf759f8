"""Search and filters: an `ArticleQuery` → the SQL WHERE clause every list, count and bulk
change uses; full-text matches through the FTS5 index (`articles_fts`, see `schema`)."""

from __future__ import annotations

import functools
import sqlite3
import unicodedata
from collections.abc import Sequence
from typing import Any

from tui_reader.models import ArticleQuery
from tui_reader.query import fts_match_expression
from tui_reader.store import index
from tui_reader.store.connection import error_kind
from tui_reader.store.values import iso, marks

_FEW_MATCHES = 2000  # search matches below which seeking rows beats walking the list
# The one text of a full-text match: the ids of the articles whose index row matches `?`
# (an FTS5 expression from `query.fts_match_expression`); counted, then used as a filter.
FTS_MATCH_IDS = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: "Économie" → "economie"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=1024)
def _folded(text: str) -> str:
    """Cached `_fold` for feed names (few, folded again on every filtered query)."""
    return _fold(text)


def _feed_ids(conn: sqlite3.Connection, query: ArticleQuery) -> list[int] | None:
    """Ids of the feeds allowed by `query.feed` / `query.feed_contains`; None: no such filter."""
    if query.feed is None and not query.feed_contains:
        return None
    needle = _fold(query.feed_contains) if query.feed_contains else None
    ids: list[int] = []
    for feed_id, name in conn.execute("SELECT id, name FROM feeds"):
        if query.feed is not None and name.casefold() != query.feed.casefold():
            continue
        if needle is not None and needle not in _folded(name):
            continue
        ids.append(feed_id)
    return ids


def where_clause(conn: sqlite3.Connection, query: ArticleQuery) -> tuple[str, list[Any]]:
    """The WHERE clause (never empty) over `articles a` and its parameters for `query`."""
    clauses: list[str] = []
    params: list[Any] = []
    tags = list({t.casefold(): t for t in query.tags}.values())
    if tags and _has_rule_tags(conn, tags):
        for tag in tags:
            clauses.append(
                "(a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ?) "
                "OR a.id IN (SELECT article_id FROM article_tags WHERE tag = ?))"
            )
            params += [tag, tag]
    elif tags:
        clauses.append(
            "a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag IN "
            f"({marks(len(tags))}) GROUP BY feed_id HAVING COUNT(DISTINCT tag) = ?)"
        )
        params += [*tags, len(tags)]
    if query.exclude_tags:
        clauses.append(
            "a.feed_id NOT IN (SELECT feed_id FROM feed_tags WHERE tag IN "
            f"({marks(len(query.exclude_tags))}))"
        )
        params += list(query.exclude_tags)
        if _has_rule_tags(conn, query.exclude_tags):
            clauses.append(
                "a.id NOT IN (SELECT article_id FROM article_tags WHERE tag IN "
                f"({marks(len(query.exclude_tags))}))"
            )
            params += list(query.exclude_tags)
    # Feed names are matched in Python (Unicode case and accents, no LIKE metacharacters);
    # a literal id lets SQLite walk the per-feed index instead of the whole list.
    feed_ids = _feed_ids(conn, query)
    if feed_ids is not None:
        if len(feed_ids) == 1:
            clauses.append("a.feed_id = ?")
        else:
            clauses.append(f"a.feed_id IN ({marks(len(feed_ids))})")
        params += feed_ids
    if query.unread:
        clauses.append("a.read = 0")
    if query.bookmarked:
        clauses.append("a.bookmarked = 1")
    if query.text:
        match = fts_match_expression(query.text)
        if match is not None:
            _catch_up_index(conn)
            # Few matches: seek each one. Many: test membership while walking the list index
            # in order (`+a.id` forbids the seek plan), instead of seeking tens of thousands
            # of rows and sorting them (35 ms → 3 ms at 50,000 articles).
            matches = conn.execute(f"SELECT COUNT(*) FROM ({FTS_MATCH_IDS})", (match,)).fetchone()[
                0
            ]
            column = "a.id" if matches <= _FEW_MATCHES else "+a.id"
            clauses.append(f"{column} IN ({FTS_MATCH_IDS})")
            params.append(match)
    if query.newer_than is not None:
        clauses.append("a.published >= ?")
        params.append(iso(query.newer_than))
    # A bookmarked item is never hidden: rules do not touch bookmarks.
    if query.hidden == "exclude":
        clauses.append("(a.hidden = 0 OR a.bookmarked = 1)")
    elif query.hidden == "only":
        clauses.append("a.hidden = 1 AND a.bookmarked = 0")
    return (" AND ".join(clauses) or "1"), params


def _catch_up_index(conn: sqlite3.Connection) -> None:
    """Index the articles a refresh left unindexed before searching (see `store.index`).

    When another writer holds the database past the busy timeout, or the file is read-only,
    the search goes on over what is indexed: the waiting articles are found next time.
    """
    if not index.has_pending(conn):
        return
    if conn.in_transaction:  # the caller's write transaction: its errors are its own
        index.index_pending(conn)
        return
    try:
        index.index_pending(conn)
    except sqlite3.OperationalError as exc:
        if error_kind(exc) not in ("locked", "readonly"):
            raise


def _has_rule_tags(conn: sqlite3.Connection, tags: Sequence[str]) -> bool:
    """Whether a rule gave any article one of `tags` (most of the time: no, a quick look)."""
    row = conn.execute(
        f"SELECT 1 FROM article_tags WHERE tag IN ({marks(len(tags))}) LIMIT 1", list(tags)
    ).fetchone()
    return row is not None
