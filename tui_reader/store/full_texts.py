"""Full texts: storing extracted pages and failures, and what is left to fetch (back-off)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from tui_reader import deferred
from tui_reader.store.connection import StoreBase, guarded
from tui_reader.store.rows import FROM, ORDER_DESC
from tui_reader.store.values import iso

#: Waits before a failed full-text page is tried again: after the 1st, 2nd, 3rd failure;
#: after the last one it is never tried again by itself.
FULL_TEXT_BACKOFF: tuple[timedelta, ...] = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
)


def _texts(summary: str, body: str, source: bytes | None, ready: int) -> tuple[str, str]:
    """An article's (summary, body) to judge it by: its Markdown, or its source's plain text
    when the Markdown is not made yet (what the "summary only" rule needs: the words)."""
    if source is None or ready:
        return summary, body
    summary_part, body_part = deferred.unpack(source)
    return deferred.plain_text(summary_part), deferred.plain_text(body_part)


class FullTextsRoom(StoreBase):
    """Full texts of articles: writes, failures with back-off, candidates, recent texts."""

    @guarded
    def set_full_text(self, article_id: int, text: str | None, error: str | None) -> None:
        """Store the extracted full article (or the error that prevented it)."""
        with self._write() as tx:
            tx.execute(
                "UPDATE articles SET full_text = ?, full_text_error = ? WHERE id = ?",
                (text, error, article_id),
            )

    @guarded
    def record_full_text_failure(
        self, article_ids: Sequence[int], error: str, *, now: datetime
    ) -> None:
        """Record a failed page fetch (reason and time) for articles without a full text.

        Each failure counts one try; `full_text_candidates` offers the article again only
        once `FULL_TEXT_BACKOFF` for that many tries has passed.
        """
        with self._write() as tx:
            tx.executemany(
                "UPDATE articles SET full_text_error = ?, "
                "full_text_tries = full_text_tries + 1, full_text_tried = ? "
                "WHERE id = ? AND full_text IS NULL",
                [(error, iso(now), article_id) for article_id in article_ids],
            )

    def _feed_ids_for_urls(self, conn: sqlite3.Connection, urls: Sequence[str]) -> list[int]:
        """Ids of the stored feeds among `urls` (unknown URLs are skipped)."""
        wanted = set(urls)
        return [fid for fid, url in conn.execute("SELECT id, url FROM feeds") if url in wanted]

    @guarded
    def full_text_candidates(
        self,
        limit: int,
        *,
        feed_urls: Sequence[str] | None = None,
        now: datetime | None = None,
        retries_only: bool = False,
    ) -> list[tuple[int, str, str, str, str]]:
        """Articles with a link, no full text, and no attempt yet or one due again, newest first.

        A failed attempt is due again once `FULL_TEXT_BACKOFF` for its number of tries has
        passed (`now`, default: the current time); after the last step, never.
        Rows are `(id, feed_url, link, summary, body)`; `feed_urls` limits them to those feeds;
        `retries_only` to failed attempts that are due again.
        Whether an article deserves its full text is the caller's call (see `fulltext`).
        """
        conn = self._conn()
        moment = now or datetime.now(UTC)
        due = " ".join(
            f"WHEN {tries} THEN '{iso(moment - wait)}'"
            for tries, wait in enumerate(FULL_TEXT_BACKOFF, start=1)
        )
        where = (
            "a.full_text IS NULL AND a.link != '' AND (a.full_text_error IS NULL "
            f"OR a.full_text_tried <= CASE a.full_text_tries {due} ELSE '' END)"
        )
        if retries_only:
            where += " AND a.full_text_error IS NOT NULL"
        if feed_urls is not None:
            ids = self._feed_ids_for_urls(conn, feed_urls)
            if not ids:
                return []
            # Integers from our own table, inlined: no parameter limit to worry about.
            where += f" AND a.feed_id IN ({', '.join(str(fid) for fid in ids)})"
        rows = conn.execute(
            f"SELECT a.id, f.url, a.link, a.summary, a.body, a.source, a.md_ready {FROM} "
            f"WHERE {where} {ORDER_DESC} LIMIT ?",
            (max(0, limit),),
        ).fetchall()
        return [(int(r[0]), r[1], r[2], *_texts(r[3], r[4], r[5], r[6])) for r in rows]

    @guarded
    def recent_texts(
        self, feed_urls: Sequence[str], per_feed: int = 10
    ) -> dict[str, list[tuple[str, str]]]:
        """`(summary, body)` of the `per_feed` newest articles of each feed, by feed URL."""
        conn = self._conn()
        out: dict[str, list[tuple[str, str]]] = {}
        for url in dict.fromkeys(feed_urls):
            row = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
            if row is None:
                continue
            out[url] = [
                _texts(summary, body, source, ready)
                for summary, body, source, ready in conn.execute(
                    "SELECT summary, body, source, md_ready FROM articles WHERE feed_id = ? "
                    "ORDER BY published DESC, id DESC LIMIT ?",
                    (row[0], max(0, per_feed)),
                )
            ]
        return out
