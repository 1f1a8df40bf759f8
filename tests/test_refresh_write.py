"""The refresh's write path (issue 11, round 3): what the parser workers hand over and how the
store writes it.

- Parser side: the index text is made and folded in the worker; sources are zstd (sources
  stored as zlib by earlier versions still read); the fast scans that replace character
  classes (`parse._has_xml_junk`, fastfeed's C1 check) find exactly what the classes find.
- Store side: a refresh indexes its new entries itself (the insert trigger steps aside), and
  the update and delete triggers then remove exactly what was indexed; `write_refreshed`
  stores several feeds and their validators in one transaction; an insert outside a refresh
  is still indexed by the trigger.
- Refresher side: a batch that fails for one feed fails that feed only.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import zlib
from pathlib import Path

import feedparser
import pytest

from tests.hostile.documents import rss, rss_item
from tui_reader import deferred, parse
from tui_reader.fastfeed import read_simple_feed
from tui_reader.models import ArticleQuery, FeedConfig, ParsedEntry
from tui_reader.parse import parse_feed
from tui_reader.refresh import Refresher, _LazyProcessPool
from tui_reader.store import Store
from tui_reader.store.feeds import RefreshedFeed

URL = "https://example.org/feed"
NOW = "2026-11-28T12:00:00+00:00"


def entries(*bodies: str, url: str = URL) -> tuple[ParsedEntry, ...]:
    items = [
        rss_item(f"Item {n}", link=f"https://example.org/{n}", guid=f"g{n}", desc=body)
        for n, body in enumerate(bodies)
    ]
    return parse_feed(rss(items).encode(), url=url, fetched_at=NOW, deferred=True).entries


def search(store: Store, text: str) -> list[str]:
    return [a.title for a in store.headlines(ArticleQuery(text=text), limit=50)]


# --- parser side -------------------------------------------------------------------------------


def test_index_text_of_a_source_is_plain_and_folded() -> None:
    (entry,) = entries("&lt;p&gt;Une &lt;b&gt;œuvre&lt;/b&gt; à Straße&lt;/p&gt;")
    assert entry.source is not None
    assert deferred.index_text(entry.source, 0, None).split() == ["Une", "oeuvre", "à", "Strasse"]
    assert deferred.index_text(entry.source, 1, None) == ""


def test_sources_are_zstd_and_zlib_sources_of_earlier_versions_still_read() -> None:
    part = ("html", "https://example.org/", "<p>Une <b>œuvre</b></p>")
    packed = deferred.pack(None, part)
    assert packed.startswith(b"\x28\xb5\x2f\xfd")  # a zstd frame
    assert deferred.unpack(packed) == (None, part)
    old = zlib.compress("\x00".join(("", "", "", *part)).encode(), 1)  # as round 2 stored it
    assert deferred.unpack(old) == (None, part)
    assert deferred.render(old) == deferred.render(packed)
    assert deferred.unpack(b"\x28\xb5\x2f\xfd damaged") == (None, None)


def test_pack_drops_nul_inside_fields() -> None:
    part = ("text", "", "a\x00b")
    assert deferred.unpack(deferred.pack(part, None)) == (("text", "", "ab"), None)


def test_fold_ligatures() -> None:
    assert (
        deferred.fold_ligatures("Œuvre, cœur, Æsop, Straße, ﬁn")
        == "OEuvre, coeur, AEsop, Strasse, fin"
    )
    assert deferred.fold_ligatures("plain ascii") == "plain ascii"
    assert deferred.fold_ligatures("déjà vu") == "déjà vu"


def test_junk_scan_on_bytes_finds_what_the_character_class_finds() -> None:
    for code in [*range(0x00, 0x100), 0x2019, 0xFFFD, 0xFFFE, 0xFFFF, 0x1F600]:
        char = chr(code)
        text = f"<rss>é{char}’</rss>"
        expected = parse._XML_JUNK_TRIGGER_RE.search(text) is not None
        assert parse._has_xml_junk(text.encode("utf-8")) is expected, hex(code)


@pytest.mark.parametrize(
    "title", ["Prix &#128; 5", "Prix &#x80; 5", "Prix &#x0096; 5", "Prix \u0080 5", "Prix 5 €"]
)
def test_c1_characters_are_mapped_as_feedparser_does(title: str) -> None:
    body = rss([rss_item(title, link="https://example.org/1", guid="g1")]).encode()
    data, _ = parse._prepare_xml(body, "")
    simple = read_simple_feed(data)
    assert simple is not None
    expected = feedparser.parse(data)["entries"][0]["title"]
    assert simple[1][0]["title"] == expected
    assert "\u0080" not in expected and "\u0096" not in expected


# --- store side --------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "db.sqlite")
    opened.sync_feeds([FeedConfig(name="One", url=URL), FeedConfig(name="Two", url=URL + "2")])
    return opened


def pending(store: Store) -> int:
    with store.reading() as conn:
        return conn.execute("SELECT count(*) FROM articles WHERE indexed = 0").fetchone()[0]


def fts_rows(store: Store) -> int:
    with store.reading() as conn:
        return conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]


def integrity_check(store: Store) -> None:
    with store.transaction() as tx:  # raises "database disk image is malformed" on damage
        tx.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")


def test_a_refresh_leaves_the_index_to_the_first_search(store: Store) -> None:
    assert store.upsert_entries(URL, entries("alpha", "beta"), now=NOW) == 2
    assert (pending(store), fts_rows(store)) == (2, 0)
    assert search(store, "beta") == ["Item 1"]  # the search indexes what waits first
    assert (pending(store), fts_rows(store)) == (0, 2)
    store.upsert_entries(URL, entries("alpha", "beta", "gamma"), now=NOW)
    assert store.index_pending() == 1
    assert store.index_pending() == 0
    assert search(store, "gamma") == ["Item 2"]
    integrity_check(store)


def test_the_catch_up_goes_in_batches_and_stops_when_asked(store: Store) -> None:
    store.upsert_entries(URL, entries("alpha", "beta", "gamma"), now=NOW)
    calls: list[int] = []

    def between() -> bool:
        calls.append(pending(store))
        return len(calls) < 2

    assert store.index_pending(batch=1, between=between) == 2
    assert calls == [2, 1] and pending(store) == 1  # each batch committed before the pause
    assert store.index_pending(batch=1) == 1
    assert search(store, "alpha") == ["Item 0"] and search(store, "gamma") == ["Item 2"]


def test_rows_waiting_for_the_index_change_and_go_without_touching_it(store: Store) -> None:
    store.upsert_entries(URL, entries("alpha", "beta"), now=NOW)
    # Changed before it was ever indexed: only its new words are indexed.
    store.upsert_entries(URL, entries("delta", "beta"), now=NOW)
    with store.transaction() as tx:  # deleted before it was ever indexed
        tx.execute("DELETE FROM articles WHERE guid = 'g1'")
    integrity_check(store)
    assert search(store, "alpha") == [] and search(store, "beta") == []
    assert search(store, "delta") == ["Item 0"]
    assert fts_rows(store) == 1
    integrity_check(store)


def test_a_search_goes_on_when_another_writer_holds_the_database(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with Store.open(path, busy_timeout=0.2) as opened:
        opened.sync_feeds([FeedConfig(name="One", url=URL)])
        opened.upsert_entries(URL, entries("alpha"), now=NOW)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            assert search(opened, "alpha") == []  # not indexed yet: not found, no error
            assert [a.title for a in opened.headlines(ArticleQuery(), limit=5)] == ["Item 0"]
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert search(opened, "alpha") == ["Item 0"]


def test_direct_index_finds_words_and_changes_remove_exactly_the_old_ones(store: Store) -> None:
    assert store.upsert_entries(URL, entries("alpha œuvre", "beta"), now=NOW) == 2
    assert search(store, "alpha") == ["Item 0"]
    assert search(store, "oeuvre") == ["Item 0"]
    assert search(store, "beta") == ["Item 1"]
    # Item 0 changes: the update trigger deletes what the refresh indexed, word for word.
    assert store.upsert_entries(URL, entries("gamma", "beta"), now=NOW) == 0
    assert search(store, "alpha") == [] and search(store, "oeuvre") == []
    assert search(store, "gamma") == ["Item 0"]
    # Deleting rows (the delete trigger) leaves no word behind either.
    with store.transaction() as tx:
        tx.execute("DELETE FROM articles")
    assert search(store, "gamma") == [] and search(store, "beta") == []
    with store.reading() as conn:
        assert conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0] == 0


def test_unchanged_entries_cost_no_write(store: Store) -> None:
    store.upsert_entries(URL, entries("alpha", "beta"), now=NOW)
    with store.reading() as conn:
        before = conn.total_changes
    assert store.upsert_entries(URL, entries("alpha", "beta"), now=NOW) == 0
    with store.reading() as conn:
        assert conn.total_changes == before


def test_an_insert_outside_a_refresh_is_indexed_by_the_trigger(store: Store) -> None:
    with store.transaction() as tx:
        tx.execute(
            "INSERT INTO articles (feed_id, guid, title, published, fetched, body) "
            "VALUES ((SELECT id FROM feeds WHERE url = ?), 'x', 'Cœur', ?, ?, 'delta words')",
            (URL, NOW, NOW),
        )
    assert search(store, "delta") == ["Cœur"]
    assert search(store, "coeur") == ["Cœur"]


def test_write_refreshed_stores_several_feeds_and_their_validators(store: Store) -> None:
    batch = [
        RefreshedFeed(URL, entries("alpha", "beta"), NOW, '"e1"', None, "h1"),
        RefreshedFeed(URL + "2", entries("gamma", url=URL + "2"), NOW, None, "Sat", "h2"),
    ]
    assert store.write_refreshed(batch) == [2, 1]
    states = store.feed_states()
    assert (states[URL].etag, states[URL].body_hash, states[URL].last_status) == (
        '"e1"',
        "h1",
        "ok",
    )
    assert (states[URL + "2"].last_modified, states[URL + "2"].body_hash) == ("Sat", "h2")
    assert search(store, "gamma") == ["Item 0"]
    assert store.write_refreshed(batch) == [0, 0]


def test_schema_migration_from_round_two_keeps_rows_searchable(tmp_path: Path) -> None:
    from tui_reader import store as store_module

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    from tui_reader.store.connection import register_functions

    register_functions(conn)
    for number, migrate in enumerate(store_module.MIGRATIONS[:4]):
        migrate(conn)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    conn.execute("INSERT INTO feeds (url, name) VALUES (?, 'One')", (URL,))
    conn.execute(  # indexed by the trigger of its time
        "INSERT INTO articles (feed_id, guid, title, published, fetched, body) "
        "VALUES (1, 'old', 'Old one', ?, ?, 'zeta words')",
        (NOW, NOW),
    )
    conn.close()
    with Store.open(path) as opened:
        assert opened.upsert_entries(URL, entries("epsilon"), now=NOW) == 1
        assert search(opened, "epsilon") == ["Item 0"]
        assert search(opened, "zeta") == ["Old one"]
        with opened.transaction() as tx:  # the old row is known to be indexed
            tx.execute("DELETE FROM articles WHERE guid = 'old'")
        assert search(opened, "zeta") == []
        integrity_check(opened)


# --- refresher side ----------------------------------------------------------------------------


def test_a_failing_feed_in_a_batch_fails_alone(store: Store) -> None:
    refresher = Refresher(store, fetcher=None)  # type: ignore[arg-type]
    try:
        batch = [
            RefreshedFeed(URL, entries("alpha"), NOW, None, None, "h1"),
            RefreshedFeed("https://never.synced/", entries("beta"), NOW, None, None, "h2"),
            RefreshedFeed(URL + "2", entries("gamma", url=URL + "2"), NOW, None, None, "h3"),
        ]
        counts = refresher._store_batch(batch)
    finally:
        refresher.close()
    assert counts[0] == 1 and counts[2] == 1
    assert isinstance(counts[1], ValueError)
    assert search(store, "alpha") == ["Item 0"] and search(store, "beta") == []


async def test_first_bodies_are_parsed_here_and_the_workers_start_past_the_budget() -> None:
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from tui_reader.refresh import parse_process_pool

    pool = parse_process_pool(20, inline_bytes=100)
    assert isinstance(pool, _LazyProcessPool)
    try:
        here = await pool.place(60)
        assert isinstance(here, ThreadPoolExecutor)
        assert await pool.place(40) is here
        assert pool._pool is None  # no worker started yet
        workers = await pool.place(1)  # over the budget: the workers start...
        assert isinstance(workers, ProcessPoolExecutor)
        assert await pool.place(1) is workers  # ...and take every parse from then on
        body = rss([rss_item("Un", link="https://example.org/1", guid="g1")]).encode()
        parsed = workers.submit(parse_feed, body, url=URL, fetched_at=NOW, deferred=True)
        assert parsed.result(timeout=60).entries[0].title == "Un"
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    assert parse_process_pool(20)._inline_left == 0  # type: ignore[union-attr]  # the TUI's


def test_the_script_entry_point_runs_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gc

    from tui_reader.cli import console_main

    monkeypatch.setattr("sys.argv", ["tui-reader", "--version"])
    try:
        with pytest.raises(SystemExit) as exited:
            console_main()
        assert exited.value.code in (0, None)
        assert "tui-reader" in capsys.readouterr().out
        assert gc.get_freeze_count() > 0  # the heap is out of the collector's sight
    finally:
        gc.unfreeze()
        if "trio" in sys.modules and sys.modules["trio"] is None:
            del sys.modules["trio"]  # marked absent by the entry point: not for other tests


async def test_a_first_refresh_of_many_feeds_starts_the_workers_at_once(
    store: Store, tmp_path: Path
) -> None:
    from tui_reader.refresh import parse_process_pool

    feeds = [FeedConfig(name=f"F{n}", url=f"http://127.0.0.1:9/{n}") for n in range(10)]
    store.sync_feeds(feeds)
    pool = parse_process_pool(len(feeds), inline_bytes=10_000_000)
    assert isinstance(pool, _LazyProcessPool)

    class Refused:
        async def fetch(self, url: str, **_: object) -> object:
            from tui_reader.models import FetchResult

            return FetchResult(url=url, status="error", error="refused")

    refresher = Refresher(store, Refused(), parse_executor=pool)  # type: ignore[arg-type]
    try:
        results = [result async for result in refresher.refresh(feeds)]
        assert refresher._starting is not None
        assert pool._inline_left == 0
    finally:
        refresher.close()
        # Stopping the pool while its workers start waits for them, then stops them (or
        # they are never started).
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
    await refresher._starting
    if pool._pool is not None:
        with pytest.raises(RuntimeError):
            pool._pool.submit(int)
    assert [result.status for result in results] == ["error"] * 10


def test_the_tls_context_is_made_once_per_process() -> None:
    from tui_reader.fetch import _certifi_context

    assert _certifi_context() is _certifi_context()
