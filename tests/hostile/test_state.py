"""State that is never lost: kill -9, corrupt, locked, read-only and full databases, two processes.

Everything goes through the real CLI (`python -m tui_reader` in a subprocess, or
`tui_reader.cli.main` in-process); the database is checked with `PRAGMA integrity_check`.
"""

from __future__ import annotations

import ctypes
import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug import Request, Response

from tests.hostile.documents import rss, rss_item
from tests.hostile.harness import cli, servers, write_config
from tui_reader.models import ArticleQuery
from tui_reader.store import Store

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "tui-reader.db"


def feed_body(name: str, generation: int, count: int) -> bytes:
    items = [
        rss_item(
            f"{name} item {n} generation {generation}",
            guid=f"{name}-{n}",
            link=f"https://state.example/{name}/{n}",
            desc=f"&lt;p&gt;Texte {n} de la génération {generation} " + "mot " * 40 + "&lt;/p&gt;",
        )
        for n in range(count)
    ]
    return rss(items).encode()


class MovingFeeds:
    """Feeds whose items change with `generation`, so that every refresh writes."""

    def __init__(self, http, names: list[str], count: int) -> None:
        self.generation = 0
        self.count = count
        for name in names:
            http.expect_request(f"/{name}").respond_with_handler(self._handler(name))
        self.feeds = [(name, f"http://127.0.0.1:{http.port}/{name}") for name in names]

    def _handler(self, name: str):
        def respond(request: Request) -> Response:
            return Response(
                feed_body(name, self.generation, self.count), content_type="application/rss+xml"
            )

        return respond


def refreshed_once(tmp_path: Path, moving: MovingFeeds) -> tuple[MovingFeeds, Path, Path, Path]:
    """Config and data dir for `moving`'s feeds, refreshed once: (moving, config, data, db)."""
    config = write_config(tmp_path / "config.toml", moving.feeds, timeout=20)
    data = tmp_path / "data"
    assert cli(config, data, "refresh", "--json").code == 0
    return moving, config, data, data / DB_NAME


def subprocess_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def cli_command(config: Path, data: Path, *args: str) -> list[str]:
    """`python -m tui_reader --config CONFIG --data-dir DATA ARGS`, for a child process."""
    program = [sys.executable, "-m", "tui_reader"]
    return [*program, "--config", str(config), "--data-dir", str(data), *args]


def cli_process(config: Path, data: Path, *args: str, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload]
        cli_command(config, data, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
        **popen,
    )


def integrity(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    finally:
        conn.close()


def marks(db: Path) -> tuple[set[int], set[int]]:
    with Store.open(db) as store:
        everything = store.headlines(ArticleQuery(), limit=1_000_000)
    return {a.id for a in everything if a.bookmarked}, {a.id for a in everything if a.read}


def one_line_naming(err: str, path: Path, *words: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0], err
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0].lower(), (word, lines[0])


# --- kill -9 ------------------------------------------------------------------------------


def test_kill_9_during_refresh_loses_nothing(tmp_path: Path) -> None:
    with servers(extra_hosts=0) as (http, _raw):
        moving, config, data, db = refreshed_once(
            tmp_path, MovingFeeds(http, [f"big{n}" for n in range(4)], 1500)
        )
        items = json.loads(cli(config, data, "headlines", "--json", "--limit", "100000").out)
        rng = random.Random(6)
        bookmarked: set[int] = set()
        read: set[int] = set()
        kills = 0
        for round_ in range(4):
            for item in rng.sample(items, 15):
                assert cli(config, data, "bookmark", str(item["id"])).code == 0
                bookmarked.add(item["id"])
            for item in rng.sample(items, 15):
                assert cli(config, data, "mark-read", str(item["id"])).code == 0
                read.add(item["id"])
            moving.generation = round_ + 1
            proc = cli_process(config, data, "refresh", "--json")
            # Wait for the refresh to be writing (the WAL grows), then kill it mid-way.
            wal = db.with_name(DB_NAME + "-wal")
            start_size = wal.stat().st_size if wal.exists() else 0
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and proc.poll() is None:
                if wal.exists() and wal.stat().st_size > start_size + 50_000:
                    break
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.3))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.communicate(timeout=30)
            integrity(db)
            now_bookmarked, now_read = marks(db)
            assert bookmarked <= now_bookmarked
            assert read <= now_read
        assert kills >= 3, "the refresh finished before the kill every time: nothing was tested"
        # And the database still works for a full refresh afterwards.
        # (not_modified when the killed refresh had already stored this very body)
        final = json.loads(cli(config, data, "refresh", "--json").out)["feeds"][0]["status"]
        assert final in ("ok", "not_modified")
        integrity(db)


BOOKMARKER = textwrap.dedent(
    """
    import sys
    from tui_reader.cli import main
    config, data, *ids = sys.argv[1:]
    base = ["--config", config, "--data-dir", data]
    for article_id in ids:
        assert main([*base, "bookmark", article_id]) == 0
        assert main([*base, "mark-read", article_id]) == 0
        print(article_id, flush=True)
    """
)


def test_kill_9_during_bookmark_writes_keeps_every_reported_mark(tmp_path: Path) -> None:
    with servers(extra_hosts=0) as (http, _raw):
        moving = MovingFeeds(http, ["marks"], count=400)
        config = write_config(tmp_path / "config.toml", moving.feeds)
        data = tmp_path / "data"
        assert cli(config, data, "refresh", "--json").code == 0
    ids = [
        str(i["id"])
        for i in json.loads(cli(config, data, "headlines", "--json", "--limit", "1000").out)
    ]
    proc = subprocess.Popen(
        [sys.executable, "-c", BOOKMARKER, str(config), str(data), *ids],
        stdout=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
    )
    assert proc.stdout is not None
    done: list[int] = []
    while len(done) < 40:
        line = proc.stdout.readline()
        assert line, "the bookmark writer stopped early"
        done.append(int(line))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done += [int(x) for x in proc.stdout.read().split()]
    assert proc.returncode == -signal.SIGKILL
    integrity(data / DB_NAME)
    bookmarked, read = marks(data / DB_NAME)
    assert set(done) <= bookmarked and set(done) <= read
    assert len(bookmarked) < len(ids), "the writer finished before the kill: nothing was tested"


# --- databases that cannot be used --------------------------------------------------------


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[tuple[Path, Path, Path]]:
    """A config and a data dir with a refreshed database and one bookmark."""
    with servers(extra_hosts=0) as (http, _raw):
        moving = MovingFeeds(http, ["solid"], count=300)
        config = write_config(tmp_path / "config.toml", moving.feeds)
        data = tmp_path / "data"
        assert cli(config, data, "refresh", "--json").code == 0
        assert cli(config, data, "bookmark", "1").code == 0
        yield config, data, data / DB_NAME


def checkpoint(db: Path) -> None:
    """Fold the WAL into the main file so the file alone holds everything."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


COMMANDS = [("headlines", "--json"), ("refresh", "--json"), ("bookmark", "2"), ("show", "1")]


@pytest.mark.parametrize("damage", ["garbage", "schema-page", "truncated", "zero-header"])
def test_corrupt_database_one_line_exit_1_file_untouched(filled, damage: str) -> None:
    config, data, db = filled
    checkpoint(db)
    for extra in (db.with_name(DB_NAME + "-wal"), db.with_name(DB_NAME + "-shm")):
        extra.unlink(missing_ok=True)
    raw = bytearray(db.read_bytes())
    if damage == "garbage":
        raw = bytearray(b"my precious notes, not SQLite\n" * 2000)
    elif damage == "schema-page":
        raw[100:4096] = b"\xff" * (4096 - 100)
    elif damage == "truncated":
        raw = raw[: len(raw) // 3]
    else:
        raw[:16] = bytes(16)
    db.write_bytes(bytes(raw))
    for command in COMMANDS:
        result = cli(config, data, *command)
        assert result.code == 1, (damage, command, result.out, result.err)
        one_line_naming(result.err, db)
        assert db.read_bytes() == bytes(raw), (damage, command, "the file was changed")
    assert sorted(p.name for p in data.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        DB_NAME
    ]


HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("UPDATE feeds SET name = name")
    print("locked", flush=True)
    time.sleep(120)
    """
)


def test_database_locked_by_another_process(filled) -> None:
    config, data, db = filled
    before = marks(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        procs = [cli_process(config, data, *command) for command in COMMANDS[:3]]
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 1, (out, err)
            one_line_naming(err, db, "locked")
    finally:
        holder.kill()
        holder.wait()
    integrity(db)
    assert marks(db) == before


def _drop_capabilities() -> None:
    """preexec_fn: as root, drop every capability (so permission bits apply to us too)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in range(64):
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP: exec then grants root nothing


def _without_privileges() -> dict[str, object]:
    if os.geteuid() != 0:
        return {}
    probe = subprocess.run(
        [sys.executable, "-c", "import os; open('/proc/self/status').read()"],
        preexec_fn=_drop_capabilities,
    )
    if probe.returncode != 0:
        pytest.skip("cannot drop root's capabilities here, so permission bits cannot bind")
    return {"preexec_fn": _drop_capabilities}


def test_read_only_database_and_directory(filled) -> None:
    config, data, db = filled
    checkpoint(db)
    before = db.read_bytes()
    popen = _without_privileges()
    db.chmod(0o444)
    data.chmod(0o555)
    try:
        for command in COMMANDS[:3]:
            proc = cli_process(config, data, *command, **popen)
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 1, (command, out, err)
            one_line_naming(err, db)
            assert "read-only" in err or "cannot open" in err, err
    finally:
        data.chmod(0o755)
        db.chmod(0o644)
    assert db.read_bytes() == before


def test_data_dir_that_cannot_exist(tmp_path: Path) -> None:
    """--data-dir under a regular file: refused with one line even as root."""
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me\n")
    config = write_config(tmp_path / "config.toml", [("x", "http://127.0.0.1:9/feed")])
    for command in COMMANDS:
        result = cli(config, blocker / "data", *command)
        assert result.code == 1, result
        one_line_naming(result.err, blocker / "data" / DB_NAME)
    assert blocker.read_text() == "keep me\n"


def _full_disk(limit: int):
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a dead process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def test_full_disk_during_refresh(tmp_path: Path) -> None:
    """No room to write (RLIMIT_FSIZE: every write past the limit fails, as on a full disk)."""
    with servers(extra_hosts=0) as (http, _raw):
        moving = MovingFeeds(http, ["full"], count=200)
        config = write_config(tmp_path / "config.toml", moving.feeds, keep_days=90)
        data = tmp_path / "data"
        db = data / DB_NAME
        assert cli(config, data, "refresh", "--json").code == 0
        assert cli(config, data, "bookmark", "3").code == 0
        assert cli(config, data, "mark-read", "4").code == 0
        checkpoint(db)
        before = marks(db)
        moving.count = 3000
        moving.generation = 1
        proc = cli_process(
            config, data, "refresh", "--json", preexec_fn=_full_disk(db.stat().st_size + 32_768)
        )
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, (out, err)
    one_line_naming(err, db)
    integrity(db)
    assert marks(db) == before
    with Store.open(db) as store:
        assert store.count(ArticleQuery()) == 200


# --- two processes at once ----------------------------------------------------------------


def test_long_lived_store_and_cron_refresh_together(tmp_path: Path) -> None:
    """A TUI-like process keeps a Store open and writes marks while `refresh` runs twice."""
    with servers(extra_hosts=0) as (http, _raw):
        moving, config, data, db = refreshed_once(
            tmp_path, MovingFeeds(http, [f"shared{n}" for n in range(3)], 800)
        )
        store = Store.open(db)
        ids = [a.id for a in store.headlines(ArticleQuery(), limit=100_000)]
        made: list[int] = []
        stop = threading.Event()
        errors: list[BaseException] = []

        def tui() -> None:
            rng = random.Random(1)
            try:
                while not stop.is_set():
                    article_id = rng.choice(ids)
                    store.set_bookmarked(article_id, True)
                    store.set_read([article_id], True)
                    made.append(article_id)
                    store.headlines(ArticleQuery(unread=True), limit=50)  # a reader, too
            except BaseException as error:  # reported below
                errors.append(error)

        thread = threading.Thread(target=tui)
        thread.start()
        try:
            for generation in (1, 2):
                moving.generation = generation
                procs = [cli_process(config, data, "refresh", "--json") for _ in range(2)]
                for proc in procs:
                    out, err = proc.communicate(timeout=120)
                    assert proc.returncode == 0, err
                    for feed in json.loads(out)["feeds"]:
                        assert feed["status"] in ("ok", "not_modified"), feed
        finally:
            stop.set()
            thread.join()
            store.close()
        assert not errors, errors
        assert len(made) > 20
    integrity(db)
    bookmarked, read = marks(db)
    assert set(made) <= bookmarked and set(made) <= read
    titles = json.loads(cli(config, data, "headlines", "--json", "--limit", "100000").out)
    assert len(titles) == 3 * 800
    assert all("generation 2" in item["title"] for item in titles)
