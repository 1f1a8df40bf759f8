"""State changes: read, bookmarked (and the sync outbox they feed)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from tui_reader.models import ArticleQuery
from tui_reader.store.connection import StoreBase, guarded
from tui_reader.store.search import where_clause
from tui_reader.store.values import chunks, marks


def queue_for_sync(conn: sqlite3.Connection, ids: Sequence[int], field: str, value: bool) -> None:
    """Write the outbox rows for the account items among `ids` (in the caller's transaction)."""
    for chunk in chunks(list(ids)):
        conn.execute(
            "INSERT INTO outbox (account, remote_id, field, value) "
            "SELECT af.account, a.guid, ?, ? FROM articles a "
            "JOIN account_feeds af ON af.feed_id = a.feed_id "
            f"WHERE a.id IN ({marks(len(chunk))})",
            [field, int(value), *chunk],
        )


class StateRoom(StoreBase):
    """Read and bookmark changes; each queues its sync outbox rows in the same transaction."""

    @guarded
    def set_read(self, ids: Sequence[int], read: bool) -> None:
        """Mark articles read or unread (committed before return)."""
        with self._write() as tx:
            tx.executemany(
                "UPDATE articles SET read = ? WHERE id = ? AND read != ?",
                [(int(read), article_id, int(read)) for article_id in ids],
            )
            queue_for_sync(tx, ids, "read", read)

    @guarded
    def set_bookmarked(self, article_id: int, bookmarked: bool) -> None:
        """Bookmark or unbookmark an article (committed before return)."""
        with self._write() as tx:
            tx.execute(
                "UPDATE articles SET bookmarked = ? WHERE id = ?", (int(bookmarked), article_id)
            )
            queue_for_sync(tx, [article_id], "bookmarked", bookmarked)

    @guarded
    def mark_all_read(self, query: ArticleQuery) -> list[int]:
        """Mark every unread article matching `query` read; return their ids (for undo)."""
        with self._write() as tx:
            where, params = where_clause(tx, replace(query, unread=True))
            ids = [
                row[0] for row in tx.execute(f"SELECT a.id FROM articles a WHERE {where}", params)
            ]
            for chunk in chunks(ids):
                tx.execute(
                    f"UPDATE articles SET read = 1 WHERE id IN ({marks(len(chunk))})", list(chunk)
                )
            queue_for_sync(tx, ids, "read", True)
        return ids
