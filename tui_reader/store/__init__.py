"""SQLite storage: feeds, articles, read/bookmark state, keyset pages, counts and purge.

`Store` is one object over one database file, composed of rooms, each its own module:

- `connection`: the one connection policy (per-thread connections, WAL, SQL functions,
  write transactions, SQLite errors → `StoreError`), `StoreBase`;
- `schema`: the SQL and `MIGRATIONS`;
- `feeds`: feeds from the config, fetch outcomes, new entries, purge (what a refresh writes);
- `full_texts`: extracted pages, failures and their back-off;
- `articles`: article pages, positions, counts, one article with its text;
- `state`: read and bookmark changes and the sync outbox they feed;
- `organise`: rules' hidden flags and tags, bookkeeping of rules and hooks;
- `search`: an `ArticleQuery` → WHERE clause, full-text search through FTS5;
- `index`: the search index's catch-up (a refresh leaves new rows for it);
- `rows`: rows → `Article`, `FeedState`, `FeedCount` (one mapping per shape).

Errors from SQLite reach callers as `StoreError`, whose message is one line naming the
file and saying what to do. The store never deletes, recreates or overwrites a file it
cannot read.
"""

from __future__ import annotations

from tui_reader.store.articles import ArticlesRoom
from tui_reader.store.connection import StoreError
from tui_reader.store.connection import describe as _describe
from tui_reader.store.feeds import FeedsRoom
from tui_reader.store.full_texts import FULL_TEXT_BACKOFF, FullTextsRoom
from tui_reader.store.organise import OrganiseRoom
from tui_reader.store.rows import FeedCount, FeedState
from tui_reader.store.schema import MIGRATIONS, _migrate_v1
from tui_reader.store.state import StateRoom

__all__ = [
    "FULL_TEXT_BACKOFF",
    "MIGRATIONS",
    "FeedCount",
    "FeedState",
    "Store",
    "StoreError",
    "_describe",
    "_migrate_v1",
]


class Store(FeedsRoom, FullTextsRoom, ArticlesRoom, StateRoom, OrganiseRoom):
    """The article database; safe to share between threads (one connection per thread)."""
