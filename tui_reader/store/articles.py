"""Article pages and counts: keyset and offset pages, one article, counts per tag and feed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import replace
from typing import Any, Literal

from tui_reader import deferred
from tui_reader.models import Article, ArticleQuery, Cursor
from tui_reader.store import index
from tui_reader.store.connection import StoreBase, guarded
from tui_reader.store.rows import (
    FEED_COUNT_COLUMNS,
    FROM,
    FULL_COLUMNS,
    HEADLINE_COLUMNS,
    ORDER_ASC,
    ORDER_DESC,
    FeedCount,
    accounts_by_feed,
    articles_from_rows,
    feed_count_from_row,
    tags_by_feed,
)
from tui_reader.store.search import where_clause
from tui_reader.store.values import chunks, marks


class ArticlesRoom(StoreBase):
    """Reading the article list: pages, positions, counts, one article with its text."""

    @guarded
    def index_pending(
        self, *, batch: int = index.BATCH, between: Callable[[], bool] | None = None
    ) -> int:
        """Index the articles a refresh left for later (see `store.index.index_pending`);
        how many.

        A search does it by itself when it needs to; the reader calls this when idle so
        that its first search after a refresh does not wait."""
        return index.index_pending(self._conn(), batch=batch, between=between)

    @guarded
    def headlines(
        self, query: ArticleQuery, *, after: Cursor | None = None, limit: int = 100
    ) -> list[Article]:
        """A page of headlines, newest first, starting after `after` (summary/body not loaded)."""
        return self._keyset_page(query, after, "<", limit)

    @guarded
    def headlines_before(
        self, query: ArticleQuery, *, before: Cursor, limit: int = 100
    ) -> list[Article]:
        """The page just above `before` in list order, returned newest first."""
        return self._keyset_page(query, before, ">", limit)

    def _keyset_page(
        self, query: ArticleQuery, cursor: Cursor | None, side: Literal["<", ">"], limit: int
    ) -> list[Article]:
        """Up to `limit` headlines next to `cursor`: below it in list order (`side` "<",
        older) or above it (">", newer), returned newest first either way."""
        conn = self._conn()
        where, params = where_clause(conn, query)
        if cursor is not None:
            where += f" AND (a.published, a.id) {side} (?, ?)"
            params += [cursor.published, cursor.id]
        order = ORDER_DESC if side == "<" else ORDER_ASC
        rows = conn.execute(
            f"SELECT {HEADLINE_COLUMNS} {FROM} WHERE {where} {order} LIMIT ?",
            [*params, max(0, limit)],
        ).fetchall()
        if side == ">":
            rows.reverse()
        return articles_from_rows(conn, rows)

    @guarded
    def headline_page_at(
        self, query: ArticleQuery, offset: int, limit: int, *, total: int | None = None
    ) -> list[Article]:
        """`limit` headlines starting at row `offset` of the list (for a virtual list).

        `total`, the row count the caller already holds, lets the store walk from the
        nearer end of the list when jumping towards the bottom.
        """
        conn = self._conn()
        where, params = where_clause(conn, query)
        offset, limit = max(0, offset), max(0, limit)
        order = ORDER_DESC
        if total is not None and offset > total // 2:
            # Rows [offset, offset + limit) counted from the top are, from the bottom,
            # rows [total - offset - limit, total - offset).
            order = ORDER_ASC
            start = total - offset - limit
            offset, limit = max(0, start), limit + min(0, start)
            if limit <= 0:
                return []
        # Skip rows in the covering index first, then load only the page's rows.
        ids = [
            row[0]
            for row in conn.execute(
                f"SELECT a.id FROM articles a WHERE {where} {order} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        ]
        if not ids:
            return []
        rows = conn.execute(
            f"SELECT {HEADLINE_COLUMNS} {FROM} WHERE a.id IN ({marks(len(ids))}) {ORDER_DESC}",
            ids,
        ).fetchall()
        return articles_from_rows(conn, rows)

    @guarded
    def count(self, query: ArticleQuery) -> int:
        """How many articles match `query`."""
        conn = self._conn()
        where, params = where_clause(conn, query)
        row = conn.execute(f"SELECT COUNT(*) FROM articles a WHERE {where}", params).fetchone()
        return int(row[0])

    @guarded
    def position(self, query: ArticleQuery, cursor: Cursor) -> int:
        """The row index `cursor` has (or would have) in the list of `query`."""
        conn = self._conn()
        where, params = where_clause(conn, query)
        row = conn.execute(
            f"SELECT COUNT(*) FROM articles a WHERE {where} AND (a.published, a.id) > (?, ?)",
            [*params, cursor.published, cursor.id],
        ).fetchone()
        return int(row[0])

    def unread_count(self, query: ArticleQuery) -> int:
        """How many unread articles match `query`."""
        return self.count(replace(query, unread=True))

    @guarded
    def get_article(self, article_id: int) -> Article | None:
        """One article with its summary, body and full text; None if it does not exist."""
        conn = self._conn()
        row = conn.execute(
            f"SELECT {FULL_COLUMNS}, a.source, a.md_ready {FROM} WHERE a.id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        *columns, source, ready = row
        article = articles_from_rows(conn, [columns])[0]
        if source is not None and not ready:
            # Stored as the feed sent it: its Markdown is made now, once, and cached.
            summary, body = deferred.render(source)
            self._cache_markdown(article_id, source, summary, body)
            article = replace(article, summary=summary, body=body)
        return article

    def _cache_markdown(self, article_id: int, source: bytes, summary: str, body: str) -> None:
        """Keep an article's Markdown for next time; a database that refuses is no error."""
        with suppress(sqlite3.Error), self._write() as tx:
            tx.execute(
                "UPDATE articles SET summary = ?, body = ?, md_ready = 1 "
                "WHERE id = ? AND source = ? AND md_ready = 0",
                (summary, body, article_id, source),
            )

    @guarded
    def tag_counts(self, query: ArticleQuery) -> dict[str, int]:
        """For every known tag: how many articles match `query` and carry that tag."""
        conn = self._conn()
        where, params = where_clause(conn, query)
        counts = {
            tag: 0 for (tag,) in conn.execute("SELECT DISTINCT tag FROM feed_tags ORDER BY tag")
        }
        rows = conn.execute(
            "SELECT t.tag, SUM(c.n) FROM "
            f"(SELECT a.feed_id AS feed_id, COUNT(*) AS n FROM articles a WHERE {where} "
            "GROUP BY a.feed_id) AS c JOIN feed_tags t ON t.feed_id = c.feed_id GROUP BY t.tag",
            params,
        )
        for tag, n in rows:
            counts[tag] = int(n)
        # Tags given by rules: counted for the articles whose feed does not carry the tag.
        rows = conn.execute(
            "SELECT t.tag, COUNT(*) FROM article_tags t JOIN articles a ON a.id = t.article_id "
            f"WHERE {where} AND a.feed_id NOT IN "
            "(SELECT feed_id FROM feed_tags ft WHERE ft.tag = t.tag) GROUP BY t.tag",
            params,
        )
        for tag, n in rows:
            key = next((known for known in counts if known.casefold() == tag.casefold()), tag)
            counts[key] = counts.get(key, 0) + int(n)
        return counts

    @guarded
    def feed_counts(self) -> list[FeedCount]:
        """Active feeds, and removed ones still holding bookmarks, sorted by name."""
        conn = self._conn()
        tags = tags_by_feed(conn)
        accounts = accounts_by_feed(conn)
        rows = conn.execute(
            f"SELECT {FEED_COUNT_COLUMNS} FROM feeds f LEFT JOIN "
            "(SELECT feed_id, COUNT(*) AS total, SUM(read = 0) AS unread FROM articles "
            "WHERE hidden = 0 OR bookmarked = 1 GROUP BY feed_id) AS c ON c.feed_id = f.id "
            "WHERE f.active = 1 OR c.total > 0 ORDER BY f.name COLLATE NOCASE, f.id"
        )
        return [feed_count_from_row(row, tags, accounts) for row in rows]

    def next_unread(self, query: ArticleQuery, after: Cursor | None) -> Article | None:
        """The first unread article below `after` in list order (from the top when None)."""
        page = self.headlines(replace(query, unread=True), after=after, limit=1)
        return page[0] if page else None

    def previous_unread(self, query: ArticleQuery, before: Cursor | None) -> Article | None:
        """The nearest unread article above `before` in list order (None at the top)."""
        if before is None:
            return None
        page = self.headlines_before(replace(query, unread=True), before=before, limit=1)
        return page[0] if page else None

    @guarded
    def articles_by_ids(self, ids: Sequence[int]) -> list[Article]:
        """The headlines of `ids` (summary and body not loaded), in id order."""
        conn = self._conn()
        rows: list[tuple[Any, ...]] = []
        for chunk in chunks(list(ids)):
            rows += conn.execute(
                f"SELECT {HEADLINE_COLUMNS} {FROM} WHERE a.id IN ({marks(len(chunk))}) "
                "ORDER BY a.id",
                list(chunk),
            ).fetchall()
        return articles_from_rows(conn, rows)
