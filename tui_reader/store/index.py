"""The search index's catch-up: rows a refresh inserted, indexed when a search needs them.

A refresh stores new articles with `indexed` 0 and writes no index row (issue 11: tokenizing
every body was a fifth of a cold refresh, and most articles are never searched). The first
search that needs them, or the reader when it is idle, calls `index_pending`: it indexes the
waiting rows in batches, each batch one short write transaction, so a refresh running
beside it is never held up for long.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from tui_reader import deferred

BATCH = 500  # rows per write transaction: ~150 ms of work

_ANY_PENDING = "SELECT 1 FROM articles WHERE indexed = 0 LIMIT 1"
_PENDING_ROWS = (
    "SELECT id, title, source, summary, body, full_text FROM articles "
    "WHERE indexed = 0 ORDER BY id LIMIT ?"
)
_INSERT = "INSERT INTO articles_fts(rowid, title, summary, body, full_text) VALUES (?, ?, ?, ?, ?)"


def has_pending(conn: sqlite3.Connection) -> bool:
    """Whether some article waits for the search index (a look at a small partial index)."""
    return conn.execute(_ANY_PENDING).fetchone() is not None


def index_pending(
    conn: sqlite3.Connection,
    *,
    batch: int = BATCH,
    between: Callable[[], bool] | None = None,
) -> int:
    """Index every article that waits for it; return how many were indexed.

    Inside the caller's transaction when there is one; otherwise one write transaction per
    `batch` rows, and `between()` after each (it may pause to let other writers in; False
    stops). Rows are chosen once the write lock is held, so two threads (or processes)
    catching up at once never index a row twice.
    """
    done = 0
    while has_pending(conn):
        own = not conn.in_transaction
        if own:
            conn.execute("BEGIN IMMEDIATE")
        try:
            rows = conn.execute(_PENDING_ROWS, (batch,)).fetchall()
            conn.executemany(_INSERT, [_index_row(*row) for row in rows])
            conn.executemany(
                "UPDATE articles SET indexed = 1 WHERE id = ?", [(r[0],) for r in rows]
            )
        except BaseException:
            if own and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        done += len(rows)
        if own:
            conn.execute("COMMIT")
            if between is not None and not between():
                break
    return done


def _index_row(
    article_id: int,
    title: str,
    source: bytes | None,
    summary: str,
    body: str,
    full_text: str | None,
) -> tuple[int, str, str, str, str | None]:
    """What the index holds for one article: the same texts the triggers give (tr_fold,
    tr_index), the source unpacked once."""
    fold = deferred.fold_ligatures
    summary_text, body_text = deferred.index_texts(source, summary, body)
    return (
        article_id,
        fold(title),
        summary_text,
        body_text,
        None if full_text is None else fold(full_text),
    )
