"""Organising: rules' hidden flags and tags, and the bookkeeping of rules and hooks.

See `tui_reader.rules` and `tui_reader.hooks`.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui_reader.models import ArticleQuery
from tui_reader.store.connection import StoreBase, guarded
from tui_reader.store.search import where_clause
from tui_reader.store.values import chunks, marks


class OrganiseRoom(StoreBase):
    """Rule results (hidden, rule tags), article ids by query, small named values."""

    @guarded
    def bookkeeping(self, key: str) -> str | None:
        """A small named value kept in the database (None when never set)."""
        row = self._conn().execute("SELECT value FROM bookkeeping WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @guarded
    def set_bookkeeping(self, key: str, value: str) -> None:
        """Set a small named value (committed before return)."""
        with self._write() as tx:
            tx.execute(
                "INSERT INTO bookkeeping (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @guarded
    def max_article_id(self) -> int:
        """The highest article id (0 for an empty store)."""
        row = self._conn().execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()
        return int(row[0])

    @guarded
    def claim_new_items(self, key: str) -> tuple[int, int]:
        """Claim the articles stored since the last claim under `key`: `(after, upto)` ids.

        The mark moves forward in the same transaction, so two processes (the reader and a
        cron `refresh`) never claim the same article: each new article is claimed once.
        """
        conn = self._conn()
        row = conn.execute("SELECT value FROM bookkeeping WHERE key = ?", (key,)).fetchone()
        upto = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0])
        if row is not None and int(row[0]) >= upto:
            return int(row[0]), int(row[0])  # nothing new: no write transaction
        with self._write() as tx:
            row = tx.execute("SELECT value FROM bookkeeping WHERE key = ?", (key,)).fetchone()
            upto = int(tx.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0])
            after = int(row[0]) if row is not None else 0
            if upto > after:
                tx.execute(
                    "INSERT INTO bookkeeping (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, str(upto)),
                )
        return after, max(after, upto)

    @guarded
    def article_ids(
        self,
        query: ArticleQuery,
        *,
        after_id: int | None = None,
        upto_id: int | None = None,
        unbookmarked: bool = False,
    ) -> list[int]:
        """Ids of the articles matching `query`, oldest id first, within `(after_id, upto_id]`."""
        conn = self._conn()
        where, params = where_clause(conn, query)
        if after_id is not None:
            where += " AND a.id > ?"
            params.append(after_id)
        if upto_id is not None:
            where += " AND a.id <= ?"
            params.append(upto_id)
        if unbookmarked:
            where += " AND a.bookmarked = 0"
        return [
            int(row[0])
            for row in conn.execute(
                f"SELECT a.id FROM articles a WHERE {where} ORDER BY a.id", params
            )
        ]

    @guarded
    def set_hidden(self, ids: Sequence[int], *, reset: bool = False) -> None:
        """Hide the unbookmarked articles among `ids`; `reset` first unhides every article."""
        with self._write() as tx:
            if reset:
                tx.execute("UPDATE articles SET hidden = 0 WHERE hidden = 1")
            for chunk in chunks(list(ids)):
                tx.execute(
                    f"UPDATE articles SET hidden = 1 WHERE bookmarked = 0 AND hidden = 0 "
                    f"AND id IN ({marks(len(chunk))})",
                    list(chunk),
                )

    @guarded
    def add_rule_tag(self, ids: Sequence[int], tag: str) -> None:
        """Give `tag` to the articles `ids` (a rule's tag, kept apart from feed tags)."""
        with self._write() as tx:
            tx.executemany(
                "INSERT OR IGNORE INTO article_tags (article_id, tag) VALUES (?, ?)",
                [(article_id, tag) for article_id in ids],
            )

    @guarded
    def clear_rule_tags(self) -> None:
        """Forget every tag that rules gave (before they are computed again)."""
        with self._write() as tx:
            tx.execute("DELETE FROM article_tags")
