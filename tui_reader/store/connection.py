"""The one connection policy of the store, shared by every room.

One database file in WAL mode. A store may be shared by several threads: each thread gets
its own connection (`threading.local`), all on the same path, with the same pragmas and the
SQL functions the search index needs. Every write is one transaction (`StoreBase._write`),
committed before the method returns, so a crash or `kill -9` at any moment leaves either
the old or the new state, never a damaged file.

Errors from SQLite reach callers as `StoreError` (`guarded`), whose message is one line
naming the file and saying what to do (`describe`). The store never deletes, recreates or
overwrites a file it cannot read.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Concatenate, ParamSpec, Self, TypeVar

from tui_reader import deferred
from tui_reader.i18n import _

_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S", bound="StoreBase")


class StoreError(Exception):
    """A database problem, as one line naming the file and what to do."""


def error_kind(exc: BaseException) -> str:
    """What a SQLite or OS error is: "notadb", "corrupt", "locked", "readonly", "full",
    "cantopen", "ioerr", or "other" (by SQLite's error name, else its message)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    low = str(exc).lower()
    if name == "SQLITE_NOTADB" or "not a database" in low:
        return "notadb"
    if name.startswith("SQLITE_CORRUPT") or "malformed" in low:
        return "corrupt"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in low:
        return "locked"
    if name.startswith("SQLITE_READONLY") or "readonly" in low or "read-only" in low:
        return "readonly"
    if name == "SQLITE_FULL" or "disk is full" in low or "no space" in low:
        return "full"
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM")) or isinstance(exc, OSError):
        return "cantopen"
    if name.startswith("SQLITE_IOERR"):
        return "ioerr"
    return "other"


def describe(path: Path, exc: BaseException) -> str:
    """One line for a SQLite or OS error: the file, what happened, what to do."""
    msg = str(exc).strip() or type(exc).__name__
    kind = error_kind(exc)
    if kind == "notadb":
        return _(
            "{path}: database is corrupt (file is not a database); "
            "move it aside or restore a backup"
        ).format(path=path)
    if kind == "corrupt":
        return _("{path}: database is corrupt ({error}); move it aside or restore a backup").format(
            path=path, error=msg
        )
    if kind == "locked":
        return _(
            "{path}: database is locked by another process; "
            "close the other tui-reader or wait for its refresh, then try again"
        ).format(path=path)
    if kind == "readonly":
        return _(
            "{path}: database is read-only; "
            "make the file and its directory writable or pass --data-dir"
        ).format(path=path)
    if kind == "full":
        return _("{path}: disk is full; free some space and try again").format(path=path)
    if kind == "cantopen":
        return _(
            "{path}: cannot open the database ({error}); check permissions or pass --data-dir"
        ).format(path=path, error=msg)
    if kind == "ioerr":
        return _("{path}: disk I/O error ({error}); check the disk and try again").format(
            path=path, error=msg
        )
    return _("{path}: database error ({error})").format(path=path, error=msg)


def guarded(
    method: Callable[Concatenate[_S, _P], _R],
) -> Callable[Concatenate[_S, _P], _R]:
    """Turn SQLite errors raised by a store method into `StoreError`."""

    @functools.wraps(method)
    def wrapper(self: _S, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(describe(self.path, exc)) from exc

    return wrapper


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the search index's triggers call (see `schema._SEARCH_INDEX`):
    tr_index() gives the plain text of a stored source (or an old row's Markdown), tr_fold()
    folds ligatures."""

    def fold(text: str | None) -> str | None:
        return None if text is None else deferred.fold_ligatures(text)

    conn.create_function("tr_index", 3, deferred.index_text, deterministic=True)
    conn.create_function("tr_fold", 1, fold, deterministic=True)


class StoreBase:
    """Opening, migrating, per-thread connections, write transactions and closing."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        """Use `Store.open`, which also checks and migrates the file."""
        self.path = path
        self._busy_timeout = busy_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False

    # -- opening and connections

    @classmethod
    def open(cls, path: Path, *, busy_timeout: float = 5.0) -> Self:
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
            raise StoreError(describe(path, exc)) from exc
        except StoreError:
            store.close()
            raise
        return store

    def _prepare(self) -> None:
        """Check the file is a database we understand, switch to WAL, run migrations."""
        # Read at call time from the package, where tests may extend the list.
        from tui_reader.store import MIGRATIONS

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
            register_functions(conn)
        except BaseException:
            conn.close()
            raise
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

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

    # -- for code beside the store that keeps its own tables (sync/localstate.py)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on this thread's connection; SQLite errors as `StoreError`."""
        try:
            with self._write() as tx:
                yield tx
        except sqlite3.Error as exc:
            raise StoreError(describe(self.path, exc)) from exc

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection for reads; SQLite errors as `StoreError`."""
        try:
            yield self._conn()
        except sqlite3.Error as exc:
            raise StoreError(describe(self.path, exc)) from exc

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, for reads (errors are the caller's to translate)."""
        return self._conn()

    def close(self) -> None:
        """Close every thread's connection; the store cannot be used afterwards."""
        self._closed = True
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            with suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()

    def __enter__(self) -> Self:
        """Use as a context manager that closes the store."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the store."""
        self.close()
