"""Feeds and refresh writes: the configured feeds, fetch outcomes, new entries, purge."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict, Unpack

from tui_reader.models import FeedConfig, ParsedEntry
from tui_reader.store.connection import StoreBase, guarded
from tui_reader.store.rows import (
    FEED_STATE_COLUMNS,
    FeedState,
    feed_state_from_row,
    tags_by_feed,
)
from tui_reader.store.values import iso, normalize_published


class FetchOutcome(TypedDict):
    """What a fetch of a feed ended with (`record_fetch`'s keyword arguments)."""

    status: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    error: str | None
    when: str


@dataclass(frozen=True, slots=True)
class RefreshedFeed:
    """One feed's part of `FeedsRoom.write_refreshed`: its entries and its fetch validators."""

    url: str
    entries: Sequence[ParsedEntry]
    now: str  # ISO 8601 UTC: the fetch time
    etag: str | None
    last_modified: str | None
    body_hash: str | None


class FeedsRoom(StoreBase):
    """What a refresh writes: feeds from the config, fetch outcomes, entries; and purge."""

    @guarded
    def sync_feeds(self, feeds: Sequence[FeedConfig]) -> None:
        """Make the stored feeds match the config.

        Listed feeds are added or updated (name, tags) by URL and marked active. Others
        become inactive: their unbookmarked articles are deleted, bookmarked ones stay
        (bookmarks survive feed removal), and a feed left with no article is forgotten.
        """
        wanted = {feed.url: feed for feed in feeds}
        if self._feeds_match(wanted):
            return  # the usual start: nothing changed, no write transaction (issue 11)
        with self._write() as tx:
            for feed in wanted.values():
                tx.execute(
                    "INSERT INTO feeds (url, name, active) VALUES (?, ?, 1) "
                    "ON CONFLICT (url) DO UPDATE SET name = excluded.name, active = 1",
                    (feed.url, feed.name),
                )
                feed_id = tx.execute("SELECT id FROM feeds WHERE url = ?", (feed.url,)).fetchone()[
                    0
                ]
                tx.execute("DELETE FROM feed_tags WHERE feed_id = ?", (feed_id,))
                tx.executemany(
                    "INSERT OR IGNORE INTO feed_tags (feed_id, tag, position) VALUES (?, ?, ?)",
                    [(feed_id, tag, pos) for pos, tag in enumerate(feed.tags)],
                )
            # An account's feeds come from its server, not from the config (see sync/).
            gone = [
                (feed_id,)
                for feed_id, url in tx.execute(
                    "SELECT id, url FROM feeds WHERE id NOT IN (SELECT feed_id FROM account_feeds)"
                )
                if url not in wanted
            ]
            # Validators are cleared: if the feed comes back, its articles must be fetched
            # again, not answered with 304 Not Modified.
            tx.executemany(
                "UPDATE feeds SET active = 0, etag = NULL, last_modified = NULL, "
                "body_hash = NULL WHERE id = ?",
                gone,
            )
            tx.execute(
                "DELETE FROM articles WHERE bookmarked = 0 AND feed_id IN "
                "(SELECT id FROM feeds WHERE active = 0)"
            )
            tx.execute(
                "DELETE FROM feeds WHERE active = 0 AND NOT EXISTS "
                "(SELECT 1 FROM articles WHERE articles.feed_id = feeds.id)"
            )

    def _feeds_match(self, wanted: dict[str, FeedConfig]) -> bool:
        """Whether `sync_feeds(wanted)` would change nothing: the feeds outside accounts are
        exactly `wanted`, with their names and tags (same order), and every feed is active
        (so no article or feed of an inactive one is left to delete)."""
        conn = self._conn()
        stored: dict[str, tuple[int, str]] = {}
        for feed_id, url, name, active, of_account in conn.execute(
            "SELECT f.id, f.url, f.name, f.active, a.feed_id IS NOT NULL "
            "FROM feeds f LEFT JOIN account_feeds a ON a.feed_id = f.id"
        ):
            if not active:
                return False
            if not of_account:
                stored[url] = (feed_id, name)
        if stored.keys() != wanted.keys():
            return False
        tags: dict[int, list[tuple[int, str]]] = {}
        for feed_id, position, tag in conn.execute(
            "SELECT feed_id, position, tag FROM feed_tags ORDER BY feed_id, position"
        ):
            tags.setdefault(feed_id, []).append((position, tag))
        return all(
            name == wanted[url].name and tags.get(feed_id, []) == list(enumerate(wanted[url].tags))
            for url, (feed_id, name) in stored.items()
        )

    @guarded
    def feed_states(self) -> dict[str, FeedState]:
        """Every stored feed (active or not) by URL."""
        conn = self._conn()
        tags = tags_by_feed(conn)
        rows = conn.execute(f"SELECT {FEED_STATE_COLUMNS} FROM feeds")
        return {row[1]: feed_state_from_row(row, tags) for row in rows}

    def _feed_id(self, conn: sqlite3.Connection, url: str) -> int:
        """The id of the feed with `url`; ValueError when the feed was never synced."""
        row = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
        if row is None:
            raise ValueError(f"{url}: feed is not in the store; call sync_feeds first")
        return int(row[0])

    @guarded
    def record_fetch(self, url: str, **outcome: Unpack[FetchOutcome]) -> None:
        """Remember a fetch outcome; validators are kept when a failed or 304 fetch has none."""
        with self._write() as tx:
            self._record_fetch_in(tx, url, **outcome)

    def _record_fetch_in(
        self, tx: sqlite3.Connection, url: str, **outcome: Unpack[FetchOutcome]
    ) -> None:
        """`record_fetch` inside the caller's transaction."""
        self._feed_id(tx, url)
        tx.execute(
            "UPDATE feeds SET last_status = :status, last_error = :error, last_refresh = :when, "
            "etag = CASE WHEN :keep AND :etag IS NULL THEN etag ELSE :etag END, "
            "last_modified = CASE WHEN :keep AND :last_modified IS NULL THEN last_modified "
            "ELSE :last_modified END, "
            "body_hash = CASE WHEN :keep AND :body_hash IS NULL THEN body_hash "
            "ELSE :body_hash END "
            "WHERE url = :url",
            {**outcome, "keep": outcome["status"] != "ok", "url": url},
        )

    @guarded
    def last_refresh(self) -> datetime | None:
        """When any active feed was last fetched, or None if never."""
        row = (
            self._conn().execute("SELECT MAX(last_refresh) FROM feeds WHERE active = 1").fetchone()
        )
        if row is None or not row[0]:
            return None
        try:
            moment = datetime.fromisoformat(row[0])
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    @guarded
    def upsert_entries(self, feed_url: str, entries: Sequence[ParsedEntry], *, now: str) -> int:
        """Store a feed's entries; return how many are new.

        An entry is identified by (feed, guid). A known entry gets its text, link, author and
        date updated in place; its read, bookmarked and full-text state are never touched.
        Entries purged earlier are not brought back. An entry with a `source` (deferred
        parsing) whose `content_hash` is already stored costs nothing: no write, no re-index.
        """
        with self._write() as tx:
            return self._upsert_in(tx, feed_url, entries, now)

    @guarded
    def write_refreshed(self, batch: Sequence[RefreshedFeed]) -> list[int]:
        """Store several refreshed feeds in one transaction: each one's entries (as
        `upsert_entries`) and its fetch outcome (as `record_fetch`, status "ok").

        Returns each feed's count of new entries. One transaction for many feeds: fewer
        commits and fewer, larger search-index segments than one per feed.
        """
        counts: list[int] = []
        with self._write() as tx:
            for feed in batch:
                counts.append(self._upsert_in(tx, feed.url, feed.entries, feed.now))
                self._record_fetch_in(
                    tx,
                    feed.url,
                    status="ok",
                    etag=feed.etag,
                    last_modified=feed.last_modified,
                    body_hash=feed.body_hash,
                    error=None,
                    when=feed.now,
                )
        return counts

    def _upsert_in(
        self, tx: sqlite3.Connection, feed_url: str, entries: Sequence[ParsedEntry], now: str
    ) -> int:
        """`upsert_entries` inside the caller's transaction.

        New entries come in unindexed (`indexed` 0): the search index takes them in when a
        search first needs them (`search.index_pending`), not here. Changed entries that are
        indexed go through the update trigger as before.
        """
        rows: dict[str, dict[str, Any]] = {}
        fetch_time = normalize_published(now)
        for entry in entries:
            published = normalize_published(entry.published)
            rows[entry.guid] = {
                "guid": entry.guid,
                "title": entry.title,
                "link": entry.link,
                "author": entry.author,
                # The parser stands the fetch time in for a missing date; treating it as
                # "no date" keeps such items at their first-seen time instead of jumping
                # back to the top of the list on every refresh.
                "published": None if published == fetch_time else published,
                "summary": entry.summary,
                "body": entry.body,
                "source": entry.source,
                "hash": entry.content_hash,
                "ready": 0 if entry.source is not None else 1,
                "now": now,
            }
        feed_id = self._feed_id(tx, feed_url)
        known = dict(
            tx.execute("SELECT guid, content_hash FROM articles WHERE feed_id = ?", (feed_id,))
        )
        purged = {
            guid for (guid,) in tx.execute("SELECT guid FROM purged WHERE feed_id = ?", (feed_id,))
        }
        if purged:
            # A tombstone is only needed while the feed still lists the item.
            tx.executemany(
                "DELETE FROM purged WHERE feed_id = ? AND guid = ?",
                [(feed_id, guid) for guid in purged - rows.keys()],
            )
        params = [
            {**row, "feed_id": feed_id}
            for guid, row in rows.items()
            if guid not in purged
            and (row["hash"] is None or guid not in known or known[guid] != row["hash"])
        ]
        if not params:
            return 0
        tx.executemany(
            "INSERT INTO articles (feed_id, guid, title, link, author, published, "
            "fetched, summary, body, source, content_hash, md_ready, indexed) VALUES (:feed_id, "
            ":guid, :title, :link, :author, COALESCE(:published, :now), :now, :summary, "
            ":body, :source, :hash, :ready, 0) "
            "ON CONFLICT (feed_id, guid) DO UPDATE SET "
            "title = excluded.title, link = excluded.link, author = excluded.author, "
            "published = COALESCE(:published, published), "
            "summary = excluded.summary, body = excluded.body, "
            "source = excluded.source, content_hash = excluded.content_hash, "
            "md_ready = excluded.md_ready "
            "WHERE (title, link, author, published, summary, body, source) IS NOT "
            "(excluded.title, excluded.link, excluded.author, "
            "COALESCE(:published, published), excluded.summary, excluded.body, "
            "excluded.source)",
            params,
        )
        return sum(1 for row in params if row["guid"] not in known)

    @guarded
    def purge(self, keep_days: int, *, now: datetime) -> int:
        """Delete read, unbookmarked articles older than `keep_days`; return how many.

        Age is the publication date, or the fetch time when that is later (an old item
        seen for the first time is kept for `keep_days`). Unread and bookmarked articles
        are never purged; `keep_days` <= 0 purges nothing.
        """
        if keep_days <= 0:
            return 0
        cutoff = iso(now - timedelta(days=keep_days))
        condition = "read = 1 AND bookmarked = 0 AND published < ? AND fetched < ?"
        with self._write() as tx:
            tx.execute(
                "INSERT OR IGNORE INTO purged (feed_id, guid) "
                f"SELECT feed_id, guid FROM articles WHERE {condition}",
                (cutoff, cutoff),
            )
            cursor = tx.execute(f"DELETE FROM articles WHERE {condition}", (cutoff, cutoff))
            return cursor.rowcount
