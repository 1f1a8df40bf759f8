"""What the sync engine reads and writes in the local database, beside the store's own API.

The tables (`account_feeds`, `sync_accounts`, `outbox`) are created by the store's
migrations; the store's state-change methods write the outbox in the same transaction as
the change. Every function here is one transaction and runs in a worker thread.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from tui_reader.store import Store

Change = tuple[str, str, bool]  # (remote item id, "read" | "bookmarked", value)


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    """A feed as a server lists it."""

    remote_id: str
    title: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AccountState:
    """What the database remembers about an account between syncs."""

    name: str
    kind: str
    last_sync: str | None
    last_status: str | None
    last_error: str | None
    high_water: str | None


def feed_url(account: str, remote_id: str) -> str:
    """The key an account's feed is stored under (feeds.url is unique across accounts)."""
    return f"tui-reader-account://{quote(account, safe='')}/{quote(remote_id, safe='')}"


def save_feeds(
    store: Store, account: str, feeds: Sequence[RemoteFeed], extra_tags: Sequence[str]
) -> dict[str, str]:
    """Make the account's stored feeds match the server's; return feed URL by remote id.

    A feed the server no longer lists loses its unbookmarked articles, and is forgotten once
    empty (bookmarks survive, like a feed removed from the config).
    """
    urls: dict[str, str] = {}
    with store.transaction() as tx:
        for feed in feeds:
            url = feed_url(account, feed.remote_id)
            urls[feed.remote_id] = url
            tx.execute(
                "INSERT INTO feeds (url, name, active) VALUES (?, ?, 1) "
                "ON CONFLICT (url) DO UPDATE SET name = excluded.name, active = 1",
                (url, feed.title),
            )
            feed_id = tx.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()[0]
            tx.execute(
                "INSERT OR IGNORE INTO account_feeds (feed_id, account, remote_id) "
                "VALUES (?, ?, ?)",
                (feed_id, account, feed.remote_id),
            )
            tags = list(dict.fromkeys([*feed.categories, *extra_tags]))
            tx.execute("DELETE FROM feed_tags WHERE feed_id = ?", (feed_id,))
            tx.executemany(
                "INSERT OR IGNORE INTO feed_tags (feed_id, tag, position) VALUES (?, ?, ?)",
                [(feed_id, tag, pos) for pos, tag in enumerate(tags)],
            )
        gone = [
            feed_id
            for feed_id, remote_id in tx.execute(
                "SELECT feed_id, remote_id FROM account_feeds WHERE account = ?", (account,)
            ).fetchall()
            if remote_id not in urls
        ]
        for feed_id in gone:
            tx.execute("UPDATE feeds SET active = 0 WHERE id = ?", (feed_id,))
            tx.execute("DELETE FROM articles WHERE feed_id = ? AND bookmarked = 0", (feed_id,))
            if (
                tx.execute("SELECT 1 FROM articles WHERE feed_id = ?", (feed_id,)).fetchone()
                is None
            ):
                tx.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
    return urls


def forget_account(store: Store, account: str) -> None:
    """Drop an account no longer in the config: its feeds and unbookmarked articles go."""
    save_feeds(store, account, [], [])
    with store.transaction() as tx:
        tx.execute("DELETE FROM outbox WHERE account = ?", (account,))
        tx.execute("DELETE FROM sync_accounts WHERE name = ?", (account,))


def known_item_ids(store: Store, account: str) -> set[str]:
    """Remote ids of the account's stored items, and of those purged since."""
    with store.reading() as conn:
        rows = conn.execute(
            "SELECT a.guid FROM articles a JOIN account_feeds af ON af.feed_id = a.feed_id "
            "WHERE af.account = ? UNION SELECT p.guid FROM purged p "
            "JOIN account_feeds af ON af.feed_id = p.feed_id WHERE af.account = ?",
            (account, account),
        ).fetchall()
    return {row[0] for row in rows}


def pending_changes(store: Store, account: str) -> list[tuple[str, str, bool, int]]:
    """The outbox, collapsed: the latest value per (item, field), with the last row's id."""
    with store.reading() as conn:
        rows = conn.execute(
            "SELECT remote_id, field, value, id FROM outbox WHERE id IN "
            "(SELECT MAX(id) FROM outbox WHERE account = ? GROUP BY remote_id, field) "
            "ORDER BY id",
            (account,),
        ).fetchall()
    return [(row[0], row[1], bool(row[2]), int(row[3])) for row in rows]


def outbox_size(store: Store, account: str | None = None) -> int:
    """How many outbox rows wait (for one account, or all)."""
    conn = store.connection()
    if account is None:
        return int(conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
    return int(
        conn.execute("SELECT COUNT(*) FROM outbox WHERE account = ?", (account,)).fetchone()[0]
    )


def mark_pushed(store: Store, account: str, pushed: Sequence[tuple[str, str, int]]) -> None:
    """Remove the outbox rows of pushed changes: rows up to the pushed one's id, not later."""
    with store.transaction() as tx:
        tx.executemany(
            "DELETE FROM outbox WHERE account = ? AND remote_id = ? AND field = ? AND id <= ?",
            [(account, remote_id, field, last_id) for remote_id, field, last_id in pushed],
        )


def apply_remote_state(
    store: Store,
    account: str,
    unread: Collection[str],
    starred: Collection[str],
    only: Collection[str] | None = None,
) -> int:
    """Set read/bookmarked of the account's items from the server's lists; return changes.

    `only` limits the work to these remote ids (the items a batch just stored). A field
    with a pending outbox row keeps its local value: the local change wins and is pushed at
    the next sync. These writes never enter the outbox themselves.
    """
    changed = 0
    with store.transaction() as tx:
        pending = {
            (remote_id, field)
            for remote_id, field in tx.execute(
                "SELECT remote_id, field FROM outbox WHERE account = ?", (account,)
            )
        }
        rows = tx.execute(
            "SELECT a.id, a.guid, a.read, a.bookmarked FROM articles a "
            "JOIN account_feeds af ON af.feed_id = a.feed_id WHERE af.account = ?",
            (account,),
        ).fetchall()
        read_updates: list[tuple[int, int]] = []
        mark_updates: list[tuple[int, int]] = []
        for article_id, guid, read, bookmarked in rows:
            if only is not None and guid not in only:
                continue
            want_read = guid not in unread
            want_mark = guid in starred
            if bool(read) != want_read and (guid, "read") not in pending:
                read_updates.append((int(want_read), article_id))
            if bool(bookmarked) != want_mark and (guid, "bookmarked") not in pending:
                mark_updates.append((int(want_mark), article_id))
        tx.executemany("UPDATE articles SET read = ? WHERE id = ?", read_updates)
        tx.executemany("UPDATE articles SET bookmarked = ? WHERE id = ?", mark_updates)
        changed = len(read_updates) + len(mark_updates)
    return changed


def account_state(store: Store, account: str) -> AccountState | None:
    """The stored state of `account`, or None before its first sync."""
    row = (
        store.connection()
        .execute(
            "SELECT name, kind, last_sync, last_status, last_error, high_water "
            "FROM sync_accounts WHERE name = ?",
            (account,),
        )
        .fetchone()
    )
    return AccountState(*row) if row else None


def all_account_states(store: Store) -> dict[str, AccountState]:
    """Every account's stored state, by name."""
    rows = (
        store.connection()
        .execute(
            "SELECT name, kind, last_sync, last_status, last_error, high_water FROM sync_accounts"
        )
        .fetchall()
    )
    return {row[0]: AccountState(*row) for row in rows}


def record_sync(
    store: Store,
    account: str,
    kind: str,
    *,
    status: str,
    error: str | None,
    when: str,
) -> None:
    """Remember a sync's outcome (the last successful time stays on failure)."""
    with store.transaction() as tx:
        tx.execute(
            "INSERT INTO sync_accounts (name, kind, last_sync, last_status, last_error) "
            "VALUES (?, ?, CASE WHEN ? = 'ok' THEN ? END, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, "
            "last_sync = CASE WHEN excluded.last_status = 'ok' THEN ? ELSE last_sync END, "
            "last_status = excluded.last_status, last_error = excluded.last_error",
            (account, kind, status, when, status, error, when),
        )


def save_high_water(store: Store, account: str, kind: str, value: str) -> None:
    """Remember how far the server's item ids were scanned."""
    with store.transaction() as tx:
        tx.execute(
            "INSERT INTO sync_accounts (name, kind, high_water) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET high_water = excluded.high_water",
            (account, kind, value),
        )


def feed_urls_of(store: Store, account: str) -> list[str]:
    """Stored feed URLs of the account."""
    return [
        row[0]
        for row in store.connection().execute(
            "SELECT f.url FROM feeds f JOIN account_feeds af ON af.feed_id = f.id "
            "WHERE af.account = ?",
            (account,),
        )
    ]
