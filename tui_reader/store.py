"""SQLite storage: feeds, articles, read/bookmark state, keyset pages, counts and purge.

One database file in WAL mode. A `Store` may be shared by several threads: each thread gets
its own connection (`threading.local`), all on the same path. Every write is one
transaction, committed before the method returns, so a crash or `kill -9` at any moment
leaves either the old or the new state, never a damaged file.

Errors from SQLite reach callers as `StoreError`, whose message is one line naming the
file and saying what to do. The store never deletes, recreates or overwrites a file it
cannot read.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from tui_reader import deferred
from tui_reader.i18n import _
from tui_reader.models import Article, ArticleQuery, Cursor, FeedConfig, ParsedEntry
from tui_reader.query import fts_match_expression

_P = ParamSpec("_P")
_R = TypeVar("_R")

_FEW_MATCHES = 2000  # search matches below which seeking rows beats walking the list
_MAX_PARAMS = 500  # ids per statement; well under SQLITE_MAX_VARIABLE_NUMBER everywhere


class StoreError(Exception):
    """A database problem, as one line naming the file and what to do."""


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


# --- schema -------------------------------------------------------------------------------

_SCHEMA_V1 = """
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT,
    last_refresh TEXT,
    last_status TEXT,
    last_error TEXT
);
CREATE TABLE feed_tags (
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    tag TEXT NOT NULL COLLATE NOCASE,
    position INTEGER NOT NULL,
    PRIMARY KEY (feed_id, tag)
) WITHOUT ROWID;
CREATE INDEX feed_tags_tag ON feed_tags(tag, feed_id);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    guid TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    published TEXT NOT NULL,  -- ISO 8601 UTC, seconds: sorts lexically
    fetched TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    full_text TEXT,
    full_text_error TEXT,
    read INTEGER NOT NULL DEFAULT 0,
    bookmarked INTEGER NOT NULL DEFAULT 0,
    UNIQUE (feed_id, guid)
);
-- Both list indexes carry read/bookmarked/feed_id so that filtered pages, counts and
-- OFFSET jumps are answered from the index alone.
CREATE INDEX articles_list ON articles(published, id, feed_id, read, bookmarked);
CREATE INDEX articles_feed_list ON articles(feed_id, published, id, read, bookmarked);
CREATE INDEX articles_unread ON articles(published, id, feed_id) WHERE read = 0;

-- Items removed by purge while their feed still lists them: kept so they do not come back
-- as new unread items on the next refresh. Cleared once the feed stops listing them.
CREATE TABLE purged (
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    guid TEXT NOT NULL,
    PRIMARY KEY (feed_id, guid)
) WITHOUT ROWID;

-- detail = column: no word positions, so half the index size and a third less work per
-- refresh; the price is phrase queries, which query.fts_match_expression never emits.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, summary, body, full_text,
    content = 'articles', content_rowid = 'id',
    tokenize = "unicode61 remove_diacritics 2",
    detail = column
);
-- Merge index segments less eagerly than the default (4): refreshes index faster.
INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 8);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, summary, body, full_text)
    VALUES (new.id, new.title, new.summary, new.body, new.full_text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, summary, body, full_text)
    VALUES ('delete', old.id, old.title, old.summary, old.body, old.full_text);
END;
-- Read/bookmark writes never touch the index; text writes only when the text changed.
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, body, full_text ON articles
WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary
    OR old.body IS NOT new.body OR old.full_text IS NOT new.full_text
BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, summary, body, full_text)
    VALUES ('delete', old.id, old.title, old.summary, old.body, old.full_text);
    INSERT INTO articles_fts(rowid, title, summary, body, full_text)
    VALUES (new.id, new.title, new.summary, new.body, new.full_text);
END;
"""


def _migrate_v1(conn: sqlite3.Connection) -> None:
    """v0 (empty file) → v1: the first schema."""
    for statement in _split_sql(_SCHEMA_V1):
        conn.execute(statement)


def _split_sql(script: str) -> list[str]:
    """Split a script into complete statements (executescript would COMMIT on its own)."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


_SCHEMA_ORGANISE = """
-- Set by rules only (rules.py), so it can be recomputed whenever the rules change.
ALTER TABLE articles ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
-- Tags added by rules, kept apart from the feeds' own tags so they can be recomputed.
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (article_id, tag)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags(tag, article_id);
-- Small named values: the rules' fingerprints, how far rules and hooks have got.
CREATE TABLE bookkeeping (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- The list indexes also carry `hidden`, so that leaving hidden items out stays index-only.
DROP INDEX articles_list;
DROP INDEX articles_feed_list;
DROP INDEX articles_unread;
CREATE INDEX articles_list ON articles(published, id, feed_id, read, bookmarked, hidden);
CREATE INDEX articles_feed_list ON articles(feed_id, published, id, read, bookmarked, hidden);
CREATE INDEX articles_unread ON articles(published, id, feed_id, bookmarked, hidden)
    WHERE read = 0;
"""


def _migrate_organise(conn: sqlite3.Connection) -> None:
    """Rules, rule tags and hooks: a `hidden` flag, `article_tags`, `bookkeeping`.

    Items already stored count as seen by hooks: only items stored from now on are new.
    """
    for statement in _split_sql(_SCHEMA_ORGANISE):
        conn.execute(statement)
    conn.execute(
        "INSERT INTO bookkeeping (key, value) "
        "SELECT 'hooks_last_id', CAST(COALESCE(MAX(id), 0) AS TEXT) FROM articles"
    )


# Sync accounts (tui_reader/sync): which feeds belong to an account, each account's state,
# and the outbox of local changes not yet pushed. Idempotent, so it can run at any version.
_SCHEMA_SYNC = """
CREATE TABLE IF NOT EXISTS account_feeds (
    feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    UNIQUE (account, remote_id)
);
CREATE TABLE IF NOT EXISTS sync_accounts (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    last_sync TEXT,
    last_status TEXT,
    last_error TEXT,
    high_water TEXT
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('read', 'bookmarked')),
    value INTEGER NOT NULL,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))
);
CREATE INDEX IF NOT EXISTS outbox_item ON outbox(account, remote_id, field);
"""


def _migrate_sync(conn: sqlite3.Connection) -> None:
    """Sync accounts' tables (see `_SCHEMA_SYNC`)."""
    for statement in _split_sql(_SCHEMA_SYNC):
        conn.execute(statement)


def _queue_for_sync(conn: sqlite3.Connection, ids: Sequence[int], field: str, value: bool) -> None:
    """Write the outbox rows for the account items among `ids` (in the caller's transaction)."""
    for chunk in _chunks(list(ids)):
        conn.execute(
            "INSERT INTO outbox (account, remote_id, field, value) "
            "SELECT af.account, a.guid, ?, ? FROM articles a "
            "JOIN account_feeds af ON af.feed_id = a.feed_id "
            f"WHERE a.id IN ({_marks(len(chunk))})",
            [field, int(value), *chunk],
        )


# The search index of issue 11: contentless (it keeps no copy of the text), fed through two
# SQL functions every connection registers (see `Store._conn`): tr_index() gives the cheap
# plain text of a stored source (or an old row's Markdown), tr_fold() folds ligatures.
_SEARCH_INDEX = """
DROP TRIGGER IF EXISTS articles_fts_insert;
DROP TRIGGER IF EXISTS articles_fts_delete;
DROP TRIGGER IF EXISTS articles_fts_update;
DROP TABLE IF EXISTS articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, summary, body, full_text,
    content = '',
    tokenize = "unicode61 remove_diacritics 2",
    detail = column
);
INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 8);
INSERT INTO articles_fts(rowid, title, summary, body, full_text)
    SELECT id, tr_fold(title), tr_index(source, 0, summary), tr_index(source, 1, body),
           tr_fold(full_text)
    FROM articles;
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, summary, body, full_text)
    VALUES (new.id, tr_fold(new.title), tr_index(new.source, 0, new.summary),
            tr_index(new.source, 1, new.body), tr_fold(new.full_text));
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, summary, body, full_text)
    VALUES ('delete', old.id, tr_fold(old.title), tr_index(old.source, 0, old.summary),
            tr_index(old.source, 1, old.body), tr_fold(old.full_text));
END;
-- Read/bookmark writes never touch the index, nor does caching an article's Markdown
-- (summary/body of a row that has a source): only a change of what is indexed does.
CREATE TRIGGER articles_fts_update
AFTER UPDATE OF title, summary, body, full_text, source ON articles
WHEN old.title IS NOT new.title OR old.full_text IS NOT new.full_text
    OR old.source IS NOT new.source
    OR (new.source IS NULL AND (old.summary IS NOT new.summary OR old.body IS NOT new.body))
BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, summary, body, full_text)
    VALUES ('delete', old.id, tr_fold(old.title), tr_index(old.source, 0, old.summary),
            tr_index(old.source, 1, old.body), tr_fold(old.full_text));
    INSERT INTO articles_fts(rowid, title, summary, body, full_text)
    VALUES (new.id, tr_fold(new.title), tr_index(new.source, 0, new.summary),
            tr_index(new.source, 1, new.body), tr_fold(new.full_text));
END;
"""


def _migrate_perf(conn: sqlite3.Connection) -> None:
    """Performance round 2 (issue 11), one migration (the lead renumbers it on merge).

    - Full-text back-off: `full_text_tries` counts failed page fetches, `full_text_tried`
      says when the last one was (ISO 8601 UTC); an error stored before counts as one try.
    - Deferred Markdown: `source` holds an item's text as the feed sent it (compressed, see
      `tui_reader.deferred`), `md_ready` is 0 until its Markdown is cached in summary/body,
      `content_hash` lets a refresh skip an entry it already has. Old rows keep their
      Markdown (no source, `md_ready` 1) and still display.
    - The search index is rebuilt contentless, from plain text, with ligatures folded
      ("oeuvre" finds "œuvre"), old rows included.
    """
    conn.execute("ALTER TABLE articles ADD COLUMN full_text_tries INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE articles ADD COLUMN full_text_tried TEXT")
    conn.execute(
        "UPDATE articles SET full_text_tries = 1, full_text_tried = fetched "
        "WHERE full_text IS NULL AND full_text_error IS NOT NULL"
    )
    conn.execute("ALTER TABLE articles ADD COLUMN source BLOB")
    conn.execute("ALTER TABLE articles ADD COLUMN content_hash TEXT")
    conn.execute("ALTER TABLE articles ADD COLUMN md_ready INTEGER NOT NULL DEFAULT 1")
    for statement in _split_sql(_SEARCH_INDEX):
        conn.execute(statement)


# MIGRATIONS[i] turns schema version i into i + 1; `PRAGMA user_version` is the version.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migrate_v1,
    _migrate_organise,
    _migrate_sync,
    _migrate_perf,
]

#: Waits before a failed full-text page is tried again: after the 1st, 2nd, 3rd failure;
#: after the last one it is never tried again by itself.
FULL_TEXT_BACKOFF: tuple[timedelta, ...] = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
)


# --- helpers ------------------------------------------------------------------------------


def _describe(path: Path, exc: BaseException) -> str:
    """One line for a SQLite or OS error: the file, what happened, what to do."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    msg = str(exc).strip() or type(exc).__name__
    low = msg.lower()
    if name == "SQLITE_NOTADB" or "not a database" in low:
        return _(
            "{path}: database is corrupt (file is not a database); "
            "move it aside or restore a backup"
        ).format(path=path)
    if name.startswith("SQLITE_CORRUPT") or "malformed" in low:
        return _("{path}: database is corrupt ({error}); move it aside or restore a backup").format(
            path=path, error=msg
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in low:
        return _(
            "{path}: database is locked by another process; "
            "close the other tui-reader or wait for its refresh, then try again"
        ).format(path=path)
    if name.startswith("SQLITE_READONLY") or "readonly" in low or "read-only" in low:
        return _(
            "{path}: database is read-only; "
            "make the file and its directory writable or pass --data-dir"
        ).format(path=path)
    if name == "SQLITE_FULL" or "disk is full" in low or "no space" in low:
        return _("{path}: disk is full; free some space and try again").format(path=path)
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM")) or isinstance(exc, OSError):
        return _(
            "{path}: cannot open the database ({error}); check permissions or pass --data-dir"
        ).format(path=path, error=msg)
    if name.startswith("SQLITE_IOERR"):
        return _("{path}: disk I/O error ({error}); check the disk and try again").format(
            path=path, error=msg
        )
    return _("{path}: database error ({error})").format(path=path, error=msg)


def _guarded(
    method: Callable[Concatenate[Store, _P], _R],
) -> Callable[Concatenate[Store, _P], _R]:
    """Turn SQLite errors raised by a Store method into `StoreError`."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(_describe(self.path, exc)) from exc

    return wrapper


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: "Économie" → "economie"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=1024)
def _folded(text: str) -> str:
    """Cached `_fold` for feed names (few, folded again on every filtered query)."""
    return _fold(text)


def _texts(summary: str, body: str, source: bytes | None, ready: int) -> tuple[str, str]:
    """An article's (summary, body) to judge it by: its Markdown, or its source's plain text
    when the Markdown is not made yet (what the "summary only" rule needs: the words)."""
    if source is None or ready:
        return summary, body
    summary_part, body_part = deferred.unpack(source)
    return deferred.plain_text(summary_part), deferred.plain_text(body_part)


def _iso(moment: datetime) -> str:
    """A datetime as the stored ISO 8601 UTC form (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _normalize_published(value: str) -> str | None:
    """Feed date → stored form, or None when missing or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return _iso(moment)


def _chunks(items: Sequence[int], size: int = _MAX_PARAMS) -> Iterator[Sequence[int]]:
    """Slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(count: int) -> str:
    """`?, ?, ?` for `count` parameters."""
    return ", ".join("?" * count)


_HEADLINE_COLUMNS = (
    "a.id, f.name, f.url, a.title, a.link, a.author, a.published, a.read, a.bookmarked, a.feed_id"
)
_FULL_COLUMNS = _HEADLINE_COLUMNS + ", a.summary, a.body, a.full_text, a.full_text_error"
# CROSS JOIN keeps `articles` the outer loop so the ORDER BY walks an index, never sorts.
_FROM = "FROM articles a CROSS JOIN feeds f ON f.id = a.feed_id"
_ORDER_DESC = "ORDER BY a.published DESC, a.id DESC"
_ORDER_ASC = "ORDER BY a.published ASC, a.id ASC"


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


def _where(conn: sqlite3.Connection, query: ArticleQuery) -> tuple[str, list[Any]]:
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
            f"({_marks(len(tags))}) GROUP BY feed_id HAVING COUNT(DISTINCT tag) = ?)"
        )
        params += [*tags, len(tags)]
    if query.exclude_tags:
        clauses.append(
            "a.feed_id NOT IN (SELECT feed_id FROM feed_tags WHERE tag IN "
            f"({_marks(len(query.exclude_tags))}))"
        )
        params += list(query.exclude_tags)
        if _has_rule_tags(conn, query.exclude_tags):
            clauses.append(
                "a.id NOT IN (SELECT article_id FROM article_tags WHERE tag IN "
                f"({_marks(len(query.exclude_tags))}))"
            )
            params += list(query.exclude_tags)
    # Feed names are matched in Python (Unicode case and accents, no LIKE metacharacters);
    # a literal id lets SQLite walk the per-feed index instead of the whole list.
    feed_ids = _feed_ids(conn, query)
    if feed_ids is not None:
        if len(feed_ids) == 1:
            clauses.append("a.feed_id = ?")
        else:
            clauses.append(f"a.feed_id IN ({_marks(len(feed_ids))})")
        params += feed_ids
    if query.unread:
        clauses.append("a.read = 0")
    if query.bookmarked:
        clauses.append("a.bookmarked = 1")
    if query.text:
        match = fts_match_expression(query.text)
        if match is not None:
            # Few matches: seek each one. Many: test membership while walking the list index
            # in order (`+a.id` forbids the seek plan), instead of seeking tens of thousands
            # of rows and sorting them (35 ms → 3 ms at 50,000 articles).
            matches = conn.execute(
                "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)
            ).fetchone()[0]
            column = "a.id" if matches <= _FEW_MATCHES else "+a.id"
            clauses.append(
                f"{column} IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
            )
            params.append(match)
    if query.newer_than is not None:
        clauses.append("a.published >= ?")
        params.append(_iso(query.newer_than))
    # A bookmarked item is never hidden: rules do not touch bookmarks.
    if query.hidden == "exclude":
        clauses.append("(a.hidden = 0 OR a.bookmarked = 1)")
    elif query.hidden == "only":
        clauses.append("a.hidden = 1 AND a.bookmarked = 0")
    return (" AND ".join(clauses) or "1"), params


def _has_rule_tags(conn: sqlite3.Connection, tags: Sequence[str]) -> bool:
    """Whether a rule gave any article one of `tags` (most of the time: no, a quick look)."""
    row = conn.execute(
        f"SELECT 1 FROM article_tags WHERE tag IN ({_marks(len(tags))}) LIMIT 1", list(tags)
    ).fetchone()
    return row is not None


# --- the store ----------------------------------------------------------------------------


class Store:
    """The article database; safe to share between threads (one connection per thread)."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        """Use `Store.open`, which also checks and migrates the file."""
        self.path = path
        self._busy_timeout = busy_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        # source blob → its (summary, body) index text, computed by the parser: lets the
        # index trigger skip recomputing it while `upsert_entries` runs.
        self._index_hints: dict[bytes, tuple[str, str]] = {}

    # -- opening and connections

    @classmethod
    def open(cls, path: Path, *, busy_timeout: float = 5.0) -> Store:
        """Open (creating if missing) the database at `path`; raise `StoreError` if unusable."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                _(
                    "{path}: cannot create directory {directory} ({error}); "
                    "check permissions or pass --data-dir"
                ).format(path=path, directory=path.parent, error=exc.strerror or exc)
            ) from exc
        if path.exists() and not path.is_file():
            raise StoreError(_("{path}: not a file; pass another --data-dir").format(path=path))
        store = cls(path, busy_timeout)
        try:
            store._prepare()
        except sqlite3.Error as exc:
            store.close()
            raise StoreError(_describe(path, exc)) from exc
        except StoreError:
            store.close()
            raise
        return store

    def _prepare(self) -> None:
        """Check the file is a database we understand, switch to WAL, run migrations."""
        conn = self._conn()
        # Read-only first: a file that is not a database fails here, before any write.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if version > len(MIGRATIONS):
            raise StoreError(
                _(
                    "{path}: database schema v{version} is newer than this tui-reader "
                    "understands (v{known}); upgrade tui-reader"
                ).format(path=self.path, version=version, known=len(MIGRATIONS))
            )
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(
                _(
                    "{path}: cannot switch the database to WAL mode (got {mode}); "
                    "use a local disk or pass --data-dir"
                ).format(path=self.path, mode=mode)
            )
        if version < len(MIGRATIONS):
            with self._write() as tx:
                # Re-read under the write lock: another process may have migrated meanwhile.
                version = tx.execute("PRAGMA user_version").fetchone()[0]
                for number in range(version, len(MIGRATIONS)):
                    MIGRATIONS[number](tx)
                    tx.execute(f"PRAGMA user_version = {number + 1}")

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise StoreError(f"{self.path}: store is closed")
        conn = sqlite3.connect(
            self.path,
            timeout=self._busy_timeout,
            isolation_level=None,  # autocommit; transactions are explicit (see _write)
            check_same_thread=False,  # only so close() can close every thread's connection
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._register_functions(conn)
        except BaseException:
            conn.close()
            raise
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    def _register_functions(self, conn: sqlite3.Connection) -> None:
        """The SQL functions the search index's triggers call (see `_SEARCH_INDEX`)."""
        hints = self._index_hints

        def index(source: bytes | None, which: int, fallback: str | None) -> str:
            if source is not None:
                hint = hints.get(source)
                if hint is not None:
                    return hint[which]
            return deferred.index_text(source, which, fallback)

        def fold(text: str | None) -> str | None:
            return None if text is None else deferred.fold_ligatures(text)

        conn.create_function("tr_index", 3, index, deterministic=True)
        conn.create_function("tr_fold", 1, fold, deterministic=True)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the write lock up front (no upgrade deadlocks)."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close every thread's connection; the store cannot be used afterwards."""
        self._closed = True
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            with suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()

    def __enter__(self) -> Store:
        """Use as a context manager that closes the store."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the store."""
        self.close()

    # -- feeds

    @_guarded
    def sync_feeds(self, feeds: Sequence[FeedConfig]) -> None:
        """Make the stored feeds match the config.

        Listed feeds are added or updated (name, tags) by URL and marked active. Others
        become inactive: their unbookmarked articles are deleted, bookmarked ones stay
        (bookmarks survive feed removal), and a feed left with no article is forgotten.
        """
        wanted = {feed.url: feed for feed in feeds}
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

    def _tags_by_feed(
        self, conn: sqlite3.Connection, feed_ids: set[int] | None = None
    ) -> dict[int, tuple[str, ...]]:
        """Tags of the given feeds (all feeds when None), in config order."""
        out: dict[int, list[str]] = {}
        if feed_ids is None:
            rows = conn.execute("SELECT feed_id, tag FROM feed_tags ORDER BY feed_id, position")
            for feed_id, tag in rows:
                out.setdefault(feed_id, []).append(tag)
        else:
            ids = sorted(feed_ids)
            for chunk in _chunks(ids):
                rows = conn.execute(
                    f"SELECT feed_id, tag FROM feed_tags WHERE feed_id IN ({_marks(len(chunk))}) "
                    "ORDER BY feed_id, position",
                    list(chunk),
                )
                for feed_id, tag in rows:
                    out.setdefault(feed_id, []).append(tag)
        return {feed_id: tuple(tags) for feed_id, tags in out.items()}

    @_guarded
    def feed_states(self) -> dict[str, FeedState]:
        """Every stored feed (active or not) by URL."""
        conn = self._conn()
        tags = self._tags_by_feed(conn)
        rows = conn.execute(
            "SELECT id, url, name, etag, last_modified, body_hash, last_refresh, "
            "last_status, last_error, active FROM feeds"
        )
        return {
            row[1]: FeedState(
                url=row[1],
                name=row[2],
                tags=tags.get(row[0], ()),
                etag=row[3],
                last_modified=row[4],
                body_hash=row[5],
                last_refresh=row[6],
                last_status=row[7],
                last_error=row[8],
                active=bool(row[9]),
            )
            for row in rows
        }

    def _feed_id(self, conn: sqlite3.Connection, url: str) -> int:
        """The id of the feed with `url`; ValueError when the feed was never synced."""
        row = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
        if row is None:
            raise ValueError(f"{url}: feed is not in the store; call sync_feeds first")
        return int(row[0])

    @_guarded
    def record_fetch(
        self,
        url: str,
        *,
        status: str,
        etag: str | None,
        last_modified: str | None,
        body_hash: str | None,
        error: str | None,
        when: str,
    ) -> None:
        """Remember a fetch outcome; validators are kept when a failed or 304 fetch has none."""
        keep = status != "ok"
        with self._write() as tx:
            self._feed_id(tx, url)
            tx.execute(
                "UPDATE feeds SET last_status = ?, last_error = ?, last_refresh = ?, "
                "etag = CASE WHEN ? AND ? IS NULL THEN etag ELSE ? END, "
                "last_modified = CASE WHEN ? AND ? IS NULL THEN last_modified ELSE ? END, "
                "body_hash = CASE WHEN ? AND ? IS NULL THEN body_hash ELSE ? END "
                "WHERE url = ?",
                (
                    status,
                    error,
                    when,
                    keep,
                    etag,
                    etag,
                    keep,
                    last_modified,
                    last_modified,
                    keep,
                    body_hash,
                    body_hash,
                    url,
                ),
            )

    @_guarded
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

    # -- articles: writes

    @_guarded
    def upsert_entries(self, feed_url: str, entries: Sequence[ParsedEntry], *, now: str) -> int:
        """Store a feed's entries; return how many are new.

        An entry is identified by (feed, guid). A known entry gets its text, link, author and
        date updated in place; its read, bookmarked and full-text state are never touched.
        Entries purged earlier are not brought back. An entry with a `source` (deferred
        parsing) whose `content_hash` is already stored costs nothing: no write, no re-index.
        """
        rows: dict[str, dict[str, Any]] = {}
        fetch_time = _normalize_published(now)
        hints: dict[bytes, tuple[str, str]] = {}
        for entry in entries:
            published = _normalize_published(entry.published)
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
            if entry.source is not None:
                hints[entry.source] = (
                    deferred.fold_ligatures(entry.summary_text),
                    deferred.fold_ligatures(entry.body_text),
                )
        with self._write() as tx:
            feed_id = self._feed_id(tx, feed_url)
            known = dict(
                tx.execute("SELECT guid, content_hash FROM articles WHERE feed_id = ?", (feed_id,))
            )
            purged = {
                guid
                for (guid,) in tx.execute("SELECT guid FROM purged WHERE feed_id = ?", (feed_id,))
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
            self._index_hints.update(hints)
            try:
                tx.executemany(
                    "INSERT INTO articles (feed_id, guid, title, link, author, published, "
                    "fetched, summary, body, source, content_hash, md_ready) VALUES (:feed_id, "
                    ":guid, :title, :link, :author, COALESCE(:published, :now), :now, :summary, "
                    ":body, :source, :hash, :ready) "
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
            finally:
                for source in hints:
                    self._index_hints.pop(source, None)
        return sum(1 for row in params if row["guid"] not in known)

    @_guarded
    def set_read(self, ids: Sequence[int], read: bool) -> None:
        """Mark articles read or unread (committed before return)."""
        with self._write() as tx:
            tx.executemany(
                "UPDATE articles SET read = ? WHERE id = ? AND read != ?",
                [(int(read), article_id, int(read)) for article_id in ids],
            )
            _queue_for_sync(tx, ids, "read", read)

    @_guarded
    def set_bookmarked(self, article_id: int, bookmarked: bool) -> None:
        """Bookmark or unbookmark an article (committed before return)."""
        with self._write() as tx:
            tx.execute(
                "UPDATE articles SET bookmarked = ? WHERE id = ?", (int(bookmarked), article_id)
            )
            _queue_for_sync(tx, [article_id], "bookmarked", bookmarked)

    @_guarded
    def mark_all_read(self, query: ArticleQuery) -> list[int]:
        """Mark every unread article matching `query` read; return their ids (for undo)."""
        with self._write() as tx:
            where, params = _where(tx, replace(query, unread=True))
            ids = [
                row[0] for row in tx.execute(f"SELECT a.id FROM articles a WHERE {where}", params)
            ]
            for chunk in _chunks(ids):
                tx.execute(
                    f"UPDATE articles SET read = 1 WHERE id IN ({_marks(len(chunk))})", list(chunk)
                )
            _queue_for_sync(tx, ids, "read", True)
        return ids

    @_guarded
    def set_full_text(self, article_id: int, text: str | None, error: str | None) -> None:
        """Store the extracted full article (or the error that prevented it)."""
        with self._write() as tx:
            tx.execute(
                "UPDATE articles SET full_text = ?, full_text_error = ? WHERE id = ?",
                (text, error, article_id),
            )

    @_guarded
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
                [(error, _iso(now), article_id) for article_id in article_ids],
            )

    # -- full texts: what is left to fetch

    def _feed_ids_for_urls(self, conn: sqlite3.Connection, urls: Sequence[str]) -> list[int]:
        """Ids of the stored feeds among `urls` (unknown URLs are skipped)."""
        wanted = set(urls)
        return [fid for fid, url in conn.execute("SELECT id, url FROM feeds") if url in wanted]

    @_guarded
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
            f"WHEN {tries} THEN '{_iso(moment - wait)}'"
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
            f"SELECT a.id, f.url, a.link, a.summary, a.body, a.source, a.md_ready {_FROM} "
            f"WHERE {where} {_ORDER_DESC} LIMIT ?",
            (max(0, limit),),
        ).fetchall()
        return [(int(r[0]), r[1], r[2], *_texts(r[3], r[4], r[5], r[6])) for r in rows]

    @_guarded
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

    @_guarded
    def purge(self, keep_days: int, *, now: datetime) -> int:
        """Delete read, unbookmarked articles older than `keep_days`; return how many.

        Age is the publication date, or the fetch time when that is later (an old item
        seen for the first time is kept for `keep_days`). Unread and bookmarked articles
        are never purged; `keep_days` <= 0 purges nothing.
        """
        if keep_days <= 0:
            return 0
        cutoff = _iso(now - timedelta(days=keep_days))
        condition = "read = 1 AND bookmarked = 0 AND published < ? AND fetched < ?"
        with self._write() as tx:
            tx.execute(
                "INSERT OR IGNORE INTO purged (feed_id, guid) "
                f"SELECT feed_id, guid FROM articles WHERE {condition}",
                (cutoff, cutoff),
            )
            cursor = tx.execute(f"DELETE FROM articles WHERE {condition}", (cutoff, cutoff))
            return cursor.rowcount

    # -- articles: reads

    def _articles(self, conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> list[Article]:
        """Rows of `_HEADLINE_COLUMNS` (optionally + full columns) → Articles with tags."""
        tags = self._tags_by_feed(conn, {row[9] for row in rows}) if rows else {}
        rule_tags = self._rule_tags(conn, [row[0] for row in rows]) if rows else {}
        accounts = self._accounts_by_feed(conn) if rows else {}
        out: list[Article] = []
        for row in rows:
            extra: dict[str, Any] = {}
            if len(row) > 10:
                extra = {
                    "summary": row[10],
                    "body": row[11],
                    "full_text": row[12],
                    "full_text_error": row[13],
                }
            out.append(
                Article(
                    id=row[0],
                    feed=row[1],
                    feed_url=row[2],
                    title=row[3],
                    link=row[4],
                    author=row[5],
                    published=row[6],
                    tags=_merge_tags(tags.get(row[9], ()), rule_tags.get(row[0], ())),
                    read=bool(row[7]),
                    bookmarked=bool(row[8]),
                    account=accounts.get(row[9]),
                    **extra,
                )
            )
        return out

    def _accounts_by_feed(self, conn: sqlite3.Connection) -> dict[int, str]:
        """The sync account of every account feed, by feed id (few rows)."""
        return dict(conn.execute("SELECT feed_id, account FROM account_feeds").fetchall())

    @_guarded
    def headlines(
        self, query: ArticleQuery, *, after: Cursor | None = None, limit: int = 100
    ) -> list[Article]:
        """A page of headlines, newest first, starting after `after` (summary/body not loaded)."""
        conn = self._conn()
        where, params = _where(conn, query)
        if after is not None:
            where += " AND (a.published, a.id) < (?, ?)"
            params += [after.published, after.id]
        rows = conn.execute(
            f"SELECT {_HEADLINE_COLUMNS} {_FROM} WHERE {where} {_ORDER_DESC} LIMIT ?",
            [*params, max(0, limit)],
        ).fetchall()
        return self._articles(conn, rows)

    @_guarded
    def headlines_before(
        self, query: ArticleQuery, *, before: Cursor, limit: int = 100
    ) -> list[Article]:
        """The page just above `before` in list order, returned newest first."""
        conn = self._conn()
        where, params = _where(conn, query)
        where += " AND (a.published, a.id) > (?, ?)"
        params += [before.published, before.id]
        rows = conn.execute(
            f"SELECT {_HEADLINE_COLUMNS} {_FROM} WHERE {where} {_ORDER_ASC} LIMIT ?",
            [*params, max(0, limit)],
        ).fetchall()
        rows.reverse()
        return self._articles(conn, rows)

    @_guarded
    def headline_page_at(
        self, query: ArticleQuery, offset: int, limit: int, *, total: int | None = None
    ) -> list[Article]:
        """`limit` headlines starting at row `offset` of the list (for a virtual list).

        `total`, the row count the caller already holds, lets the store walk from the
        nearer end of the list when jumping towards the bottom.
        """
        conn = self._conn()
        where, params = _where(conn, query)
        offset, limit = max(0, offset), max(0, limit)
        order = _ORDER_DESC
        if total is not None and offset > total // 2:
            # Rows [offset, offset + limit) counted from the top are, from the bottom,
            # rows [total - offset - limit, total - offset).
            order = _ORDER_ASC
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
            f"SELECT {_HEADLINE_COLUMNS} {_FROM} WHERE a.id IN ({_marks(len(ids))}) {_ORDER_DESC}",
            ids,
        ).fetchall()
        return self._articles(conn, rows)

    @_guarded
    def count(self, query: ArticleQuery) -> int:
        """How many articles match `query`."""
        conn = self._conn()
        where, params = _where(conn, query)
        row = conn.execute(f"SELECT COUNT(*) FROM articles a WHERE {where}", params).fetchone()
        return int(row[0])

    @_guarded
    def position(self, query: ArticleQuery, cursor: Cursor) -> int:
        """The row index `cursor` has (or would have) in the list of `query`."""
        conn = self._conn()
        where, params = _where(conn, query)
        row = conn.execute(
            f"SELECT COUNT(*) FROM articles a WHERE {where} AND (a.published, a.id) > (?, ?)",
            [*params, cursor.published, cursor.id],
        ).fetchone()
        return int(row[0])

    def unread_count(self, query: ArticleQuery) -> int:
        """How many unread articles match `query`."""
        return self.count(replace(query, unread=True))

    @_guarded
    def get_article(self, article_id: int) -> Article | None:
        """One article with its summary, body and full text; None if it does not exist."""
        conn = self._conn()
        rows = conn.execute(
            f"SELECT {_FULL_COLUMNS}, a.source, a.md_ready {_FROM} WHERE a.id = ?", (article_id,)
        ).fetchall()
        if rows and rows[0][-2] is not None and not rows[0][-1]:
            # Stored as the feed sent it: its Markdown is made now, once, and cached.
            source = rows[0][-2]
            summary, body = deferred.render(source)
            rows[0] = (*rows[0][:10], summary, body, *rows[0][12:])
            self._cache_markdown(article_id, source, summary, body)
        articles = self._articles(conn, [row[:-2] for row in rows])
        return articles[0] if articles else None

    def _cache_markdown(self, article_id: int, source: bytes, summary: str, body: str) -> None:
        """Keep an article's Markdown for next time; a database that refuses is no error."""
        with suppress(sqlite3.Error), self._write() as tx:
            tx.execute(
                "UPDATE articles SET summary = ?, body = ?, md_ready = 1 "
                "WHERE id = ? AND source = ? AND md_ready = 0",
                (summary, body, article_id, source),
            )

    @_guarded
    def tag_counts(self, query: ArticleQuery) -> dict[str, int]:
        """For every known tag: how many articles match `query` and carry that tag."""
        conn = self._conn()
        where, params = _where(conn, query)
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

    @_guarded
    def feed_counts(self) -> list[FeedCount]:
        """Active feeds, and removed ones still holding bookmarks, sorted by name."""
        conn = self._conn()
        tags = self._tags_by_feed(conn)
        accounts = self._accounts_by_feed(conn)
        rows = conn.execute(
            "SELECT f.id, f.name, f.url, COALESCE(c.total, 0), COALESCE(c.unread, 0), "
            "f.last_status, f.last_error FROM feeds f LEFT JOIN "
            "(SELECT feed_id, COUNT(*) AS total, SUM(read = 0) AS unread FROM articles "
            "WHERE hidden = 0 OR bookmarked = 1 GROUP BY feed_id) AS c ON c.feed_id = f.id "
            "WHERE f.active = 1 OR c.total > 0 ORDER BY f.name COLLATE NOCASE, f.id"
        )
        return [
            FeedCount(
                name=row[1],
                url=row[2],
                tags=tags.get(row[0], ()),
                total=int(row[3]),
                unread=int(row[4]),
                last_status=row[5],
                last_error=row[6],
                account=accounts.get(row[0]),
            )
            for row in rows
        ]

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

    # -- organise: rules, rule tags, hooks' progress (see rules.py and hooks.py)

    def _rule_tags(self, conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
        """Tags that rules gave to the articles `ids`."""
        out: dict[int, list[str]] = {}
        for chunk in _chunks(list(ids)):
            rows = conn.execute(
                f"SELECT article_id, tag FROM article_tags WHERE article_id IN "
                f"({_marks(len(chunk))}) ORDER BY article_id, tag",
                list(chunk),
            )
            for article_id, tag in rows:
                out.setdefault(article_id, []).append(tag)
        return out

    @_guarded
    def bookkeeping(self, key: str) -> str | None:
        """A small named value kept in the database (None when never set)."""
        row = self._conn().execute("SELECT value FROM bookkeeping WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @_guarded
    def set_bookkeeping(self, key: str, value: str) -> None:
        """Set a small named value (committed before return)."""
        with self._write() as tx:
            tx.execute(
                "INSERT INTO bookkeeping (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @_guarded
    def max_article_id(self) -> int:
        """The highest article id (0 for an empty store)."""
        row = self._conn().execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()
        return int(row[0])

    @_guarded
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

    @_guarded
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
        where, params = _where(conn, query)
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

    @_guarded
    def articles_by_ids(self, ids: Sequence[int]) -> list[Article]:
        """The headlines of `ids` (summary and body not loaded), in id order."""
        conn = self._conn()
        rows: list[tuple[Any, ...]] = []
        for chunk in _chunks(list(ids)):
            rows += conn.execute(
                f"SELECT {_HEADLINE_COLUMNS} {_FROM} WHERE a.id IN ({_marks(len(chunk))}) "
                "ORDER BY a.id",
                list(chunk),
            ).fetchall()
        return self._articles(conn, rows)

    @_guarded
    def set_hidden(self, ids: Sequence[int], *, reset: bool = False) -> None:
        """Hide the unbookmarked articles among `ids`; `reset` first unhides every article."""
        with self._write() as tx:
            if reset:
                tx.execute("UPDATE articles SET hidden = 0 WHERE hidden = 1")
            for chunk in _chunks(list(ids)):
                tx.execute(
                    f"UPDATE articles SET hidden = 1 WHERE bookmarked = 0 AND hidden = 0 "
                    f"AND id IN ({_marks(len(chunk))})",
                    list(chunk),
                )

    @_guarded
    def add_rule_tag(self, ids: Sequence[int], tag: str) -> None:
        """Give `tag` to the articles `ids` (a rule's tag, kept apart from feed tags)."""
        with self._write() as tx:
            tx.executemany(
                "INSERT OR IGNORE INTO article_tags (article_id, tag) VALUES (?, ?)",
                [(article_id, tag) for article_id in ids],
            )

    @_guarded
    def clear_rule_tags(self) -> None:
        """Forget every tag that rules gave (before they are computed again)."""
        with self._write() as tx:
            tx.execute("DELETE FROM article_tags")


def _merge_tags(feed_tags: tuple[str, ...], rule_tags: Sequence[str]) -> tuple[str, ...]:
    """Feed tags first, then the rules' tags that the feed does not already carry."""
    if not rule_tags:
        return feed_tags
    seen = {tag.casefold() for tag in feed_tags}
    extra = [tag for tag in rule_tags if tag.casefold() not in seen]
    return feed_tags + tuple(extra)
