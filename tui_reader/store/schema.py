"""The database schema: its SQL and the migrations that build it, one version at a time.

`PRAGMA user_version` is the schema version; `MIGRATIONS[i]` turns version i into i + 1.
The store reads `tui_reader.store.MIGRATIONS` when it opens a file (tests extend it there).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

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


# The search index of issue 11: contentless (it keeps no copy of the text), fed through two
# SQL functions every connection registers (see `connection.register_functions`): tr_index()
# gives the cheap plain text of a stored source (or an old row's Markdown), tr_fold() folds
# ligatures.
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


# Refresh round 3 (issue 11): a refresh writes the index rows of the entries it inserts
# itself, from text its parser workers already made (`FeedsRoom.upsert_entries`), while its
# connection's tr_direct() says so; every other insert still goes through this trigger.
_DIRECT_INDEX = """
DROP TRIGGER IF EXISTS articles_fts_insert;
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles WHEN tr_direct() = 0 BEGIN
    INSERT INTO articles_fts(rowid, title, summary, body, full_text)
    VALUES (new.id, tr_fold(new.title), tr_index(new.source, 0, new.summary),
            tr_index(new.source, 1, new.body), tr_fold(new.full_text));
END;
"""


def _migrate_direct_index(conn: sqlite3.Connection) -> None:
    """The insert trigger of the search index steps aside while a refresh indexes directly."""
    for statement in _split_sql(_DIRECT_INDEX):
        conn.execute(statement)


# Refresh round 4 (issue 11): a refresh no longer indexes what it inserts. New rows come in
# with `indexed` 0 and no index row; `search.index_pending` indexes them in batches the first
# time a search needs them (or when the reader is idle). The triggers only touch rows that
# are indexed: a contentless index must be told exactly what it holds to delete it.
_PENDING_INDEX = """
ALTER TABLE articles ADD COLUMN indexed INTEGER NOT NULL DEFAULT 1;
CREATE INDEX articles_unindexed ON articles(id) WHERE indexed = 0;
DROP TRIGGER IF EXISTS articles_fts_insert;
DROP TRIGGER IF EXISTS articles_fts_delete;
DROP TRIGGER IF EXISTS articles_fts_update;
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles WHEN new.indexed = 1 BEGIN
    INSERT INTO articles_fts(rowid, title, summary, body, full_text)
    VALUES (new.id, tr_fold(new.title), tr_index(new.source, 0, new.summary),
            tr_index(new.source, 1, new.body), tr_fold(new.full_text));
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles WHEN old.indexed = 1 BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, summary, body, full_text)
    VALUES ('delete', old.id, tr_fold(old.title), tr_index(old.source, 0, old.summary),
            tr_index(old.source, 1, old.body), tr_fold(old.full_text));
END;
CREATE TRIGGER articles_fts_update
AFTER UPDATE OF title, summary, body, full_text, source ON articles
WHEN old.indexed = 1 AND (old.title IS NOT new.title OR old.full_text IS NOT new.full_text
    OR old.source IS NOT new.source
    OR (new.source IS NULL AND (old.summary IS NOT new.summary OR old.body IS NOT new.body)))
BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, summary, body, full_text)
    VALUES ('delete', old.id, tr_fold(old.title), tr_index(old.source, 0, old.summary),
            tr_index(old.source, 1, old.body), tr_fold(old.full_text));
    INSERT INTO articles_fts(rowid, title, summary, body, full_text)
    VALUES (new.id, tr_fold(new.title), tr_index(new.source, 0, new.summary),
            tr_index(new.source, 1, new.body), tr_fold(new.full_text));
END;
"""


def _migrate_pending_index(conn: sqlite3.Connection) -> None:
    """Rows inserted by a refresh wait for `search.index_pending` (see `_PENDING_INDEX`)."""
    for statement in _split_sql(_PENDING_INDEX):
        conn.execute(statement)


# MIGRATIONS[i] turns schema version i into i + 1; `PRAGMA user_version` is the version.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migrate_v1,
    _migrate_organise,
    _migrate_sync,
    _migrate_perf,
    _migrate_direct_index,
    _migrate_pending_index,
]
