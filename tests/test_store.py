"""The SQLite store, on real files: state survival, filters, paging, counts, purge, failures."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import record_error
from tui_reader import store as store_module
from tui_reader.models import Article, ArticleQuery, Cursor, FeedConfig, ParsedEntry
from tui_reader.store import Store, StoreError

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
NOW_ISO = NOW.isoformat()

NUMERAMA = FeedConfig("Numerama", "https://numerama.example/feed", ("tech", "fr"))
MONDE = FeedConfig("Le Monde Économie", "https://lemonde.example/rss", ("eco", "fr"))
SPORT = FeedConfig("L'Équipe", "https://lequipe.example/rss", ("sport", "fr"))
ODD = FeedConfig("100% _Geek_ \\o/", "https://odd.example/rss", ("tech",))


def entry(guid: str, *, hours_ago: float = 0, title: str = "", **fields: str) -> ParsedEntry:
    """A parsed entry published `hours_ago` before NOW."""
    published = (NOW - timedelta(hours=hours_ago)).isoformat()
    return ParsedEntry(
        guid=guid,
        title=title or f"Title {guid}",
        link=fields.get("link", f"https://example.org/{guid}"),
        author=fields.get("author", ""),
        published=fields.get("published", published),
        summary=fields.get("summary", ""),
        body=fields.get("body", ""),
    )


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    st = Store.open(db_path)
    st.sync_feeds([NUMERAMA, MONDE, SPORT, ODD])
    yield st
    st.close()


def ids(articles: list[Article]) -> list[int]:
    """The ids, in order."""
    return [a.id for a in articles]


def fill(store: Store) -> None:
    """A small fixed corpus over four feeds."""
    store.upsert_entries(
        NUMERAMA.url,
        [
            entry("n1", hours_ago=1, title="TikTok interdit aux États-Unis"),
            entry("n2", hours_ago=5, title="Nouvelle puce Apple", summary="La puce M9 arrive"),
            entry("n3", hours_ago=30, title="Mistral lève des fonds"),
        ],
        now=NOW_ISO,
    )
    store.upsert_entries(
        MONDE.url,
        [
            entry("m1", hours_ago=2, title="L'économie française ralentit"),
            entry("m2", hours_ago=200, title="Budget 2027", body="Le projet de loi de finances"),
        ],
        now=NOW_ISO,
    )
    store.upsert_entries(
        SPORT.url, [entry("s1", hours_ago=3, title="Victoire à Lyon")], now=NOW_ISO
    )
    store.upsert_entries(ODD.url, [entry("o1", hours_ago=4, title="100% geek")], now=NOW_ISO)


ALL = ArticleQuery()


def all_headlines(store: Store, query: ArticleQuery = ALL) -> list[Article]:
    """Every matching headline."""
    return store.headlines(query, limit=10_000)


# --- opening, schema, migrations -----------------------------------------------------------


def test_open_creates_parent_dir_and_schema(db_path: Path) -> None:
    with Store.open(db_path) as st:
        assert st.path == db_path
        conn = sqlite3.connect(db_path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store_module.MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()


def test_migration_from_empty_v0_file(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"")
    with Store.open(db_path) as st:
        st.sync_feeds([NUMERAMA])
        assert st.upsert_entries(NUMERAMA.url, [entry("a")], now=NOW_ISO) == 1
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store_module.MIGRATIONS)
    conn.close()


def test_later_migrations_run_once(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(db_path) as st:
        st.sync_feeds([NUMERAMA])
        st.upsert_entries(NUMERAMA.url, [entry("a")], now=NOW_ISO)
    calls: list[int] = []

    def migrate_v2(conn: sqlite3.Connection) -> None:
        calls.append(1)
        conn.execute("ALTER TABLE articles ADD COLUMN score INTEGER NOT NULL DEFAULT 0")

    migrations = [*store_module.MIGRATIONS, migrate_v2]
    monkeypatch.setattr(store_module, "MIGRATIONS", migrations)
    with Store.open(db_path) as st:
        assert len(all_headlines(st)) == 1  # data kept across the migration
    with Store.open(db_path):
        pass
    assert calls == [1]
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations)
    conn.close()


def test_newer_schema_is_refused(db_path: Path) -> None:
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="upgrade tui-reader"):
        Store.open(db_path)


def test_not_a_database_is_reported_and_left_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    garbage = b"this is my precious file, not SQLite\n" * 500
    db_path.write_bytes(garbage)
    with pytest.raises(StoreError) as info:
        Store.open(db_path)
    message = str(info.value)
    assert str(db_path) in message and "corrupt" in message and "\n" not in message
    assert db_path.read_bytes() == garbage
    assert not db_path.with_name(db_path.name + "-wal").exists()


def test_corrupt_database_is_reported_and_left_untouched(db_path: Path) -> None:
    with Store.open(db_path) as st:
        st.sync_feeds([NUMERAMA])
        st.upsert_entries(NUMERAMA.url, [entry(f"g{i}") for i in range(200)], now=NOW_ISO)
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # page 1 after the header: the schema b-tree
    db_path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        st = Store.open(db_path)
        all_headlines(st)
    assert str(db_path) in str(info.value)
    assert "corrupt" in str(info.value)
    assert "move it aside" in str(info.value)
    assert db_path.read_bytes() == bytes(data)


def test_locked_database_at_open(db_path: Path) -> None:
    Store.open(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE feeds SET name = name")
    try:
        with pytest.raises(StoreError, match="locked by another process") as info:
            Store.open(db_path, busy_timeout=0.2)
        assert str(db_path) in str(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_locked_database_on_write(store: Store, db_path: Path) -> None:
    fill(store)
    article = all_headlines(store)[0]
    locked = Store.open(db_path, busy_timeout=0.2)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="locked by another process"):
            locked.set_bookmarked(article.id, True)
        assert len(all_headlines(locked)) == 7  # readers are never blocked in WAL mode
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        locked.close()
    store.set_bookmarked(article.id, True)
    assert store.get_article(article.id).bookmarked  # type: ignore[union-attr]


def test_directory_in_place_of_file(tmp_path: Path) -> None:
    (tmp_path / "db.sqlite3").mkdir()
    with pytest.raises(StoreError, match="not a file"):
        Store.open(tmp_path / "db.sqlite3")


# --- upsert and state survival ------------------------------------------------------------


def test_upsert_counts_new_items(store: Store) -> None:
    assert store.upsert_entries(NUMERAMA.url, [entry("a"), entry("b")], now=NOW_ISO) == 2
    assert store.upsert_entries(NUMERAMA.url, [entry("b"), entry("c")], now=NOW_ISO) == 1
    assert store.upsert_entries(NUMERAMA.url, [], now=NOW_ISO) == 0
    assert store.count(ArticleQuery()) == 3


def test_duplicate_guid_in_one_batch_counts_once(store: Store) -> None:
    batch = [entry("a", title="first"), entry("a", title="second")]
    assert store.upsert_entries(NUMERAMA.url, batch, now=NOW_ISO) == 1
    assert all_headlines(store)[0].title == "second"


def test_refresh_again_keeps_read_and_bookmark(store: Store) -> None:
    store.upsert_entries(NUMERAMA.url, [entry("a"), entry("b")], now=NOW_ISO)
    a, b = all_headlines(store)
    store.set_read([a.id], True)
    store.set_bookmarked(b.id, True)
    store.set_full_text(a.id, "full text", None)
    assert store.upsert_entries(NUMERAMA.url, [entry("a"), entry("b")], now=NOW_ISO) == 0
    a2, b2 = all_headlines(store)
    assert (a2.id, a2.read, a2.bookmarked) == (a.id, True, False)
    assert (b2.id, b2.read, b2.bookmarked) == (b.id, False, True)
    assert store.get_article(a.id).full_text == "full text"  # type: ignore[union-attr]


def test_update_in_place_keeps_state(store: Store) -> None:
    store.upsert_entries(NUMERAMA.url, [entry("a", title="Old", summary="old text")], now=NOW_ISO)
    (a,) = all_headlines(store)
    store.set_read([a.id], True)
    store.set_bookmarked(a.id, True)
    changed = entry("a", title="New", summary="fresh words", hours_ago=-1, author="Zoé")
    assert store.upsert_entries(NUMERAMA.url, [changed], now=NOW_ISO) == 0
    full = store.get_article(a.id)
    assert full is not None
    assert (full.title, full.summary, full.author) == ("New", "fresh words", "Zoé")
    assert full.published == changed.published
    assert full.read and full.bookmarked
    assert ids(all_headlines(store, ArticleQuery(text="fresh"))) == [a.id]
    assert all_headlines(store, ArticleQuery(text="old")) == []


def test_same_guid_in_two_feeds_is_two_items(store: Store) -> None:
    assert store.upsert_entries(NUMERAMA.url, [entry("shared")], now=NOW_ISO) == 1
    assert store.upsert_entries(MONDE.url, [entry("shared")], now=NOW_ISO) == 1
    assert {a.feed for a in all_headlines(store)} == {"Numerama", "Le Monde Économie"}


def test_missing_or_bad_date_falls_back_to_first_fetch(store: Store) -> None:
    store.upsert_entries(NUMERAMA.url, [entry("a", published="")], now="2026-01-01T00:00:00+00:00")
    store.upsert_entries(NUMERAMA.url, [entry("a", published="")], now="2026-06-01T00:00:00+00:00")
    store.upsert_entries(NUMERAMA.url, [entry("b", published="not a date")], now=NOW_ISO)
    by_guid = {a.title: a.published for a in all_headlines(store)}
    assert by_guid["Title a"] == "2026-01-01T00:00:00+00:00"
    assert by_guid["Title b"] == NOW_ISO


def test_published_is_normalized_to_utc(store: Store) -> None:
    store.upsert_entries(
        NUMERAMA.url, [entry("a", published="2026-11-28T19:05:59+01:00")], now=NOW_ISO
    )
    assert all_headlines(store)[0].published == "2026-11-28T18:05:59+00:00"


def test_upsert_unknown_feed_is_an_error(store: Store) -> None:
    with pytest.raises(ValueError, match="sync_feeds"):
        store.upsert_entries("https://unknown.example/", [entry("a")], now=NOW_ISO)


def test_headlines_do_not_load_bodies_but_get_article_does(store: Store) -> None:
    store.upsert_entries(NUMERAMA.url, [entry("a", summary="S", body="B")], now=NOW_ISO)
    (headline,) = all_headlines(store)
    assert (headline.summary, headline.body, headline.full_text) == ("", "", None)
    assert headline.tags == ("tech", "fr")
    assert headline.feed_url == NUMERAMA.url
    full = store.get_article(headline.id)
    assert full is not None and (full.summary, full.body) == ("S", "B")
    store.set_full_text(headline.id, None, "HTTP 403")
    assert store.get_article(headline.id).full_text_error == "HTTP 403"  # type: ignore[union-attr]
    assert store.get_article(987654) is None


# --- feeds -------------------------------------------------------------------------------


def test_sync_feeds_updates_name_and_tags(store: Store) -> None:
    store.sync_feeds([FeedConfig("Numerama FR", NUMERAMA.url, ("news",)), MONDE])
    states = store.feed_states()
    assert states[NUMERAMA.url].name == "Numerama FR"
    assert states[NUMERAMA.url].tags == ("news",)
    assert states[NUMERAMA.url].active
    assert SPORT.url not in states  # removed with no bookmark: forgotten


def test_bookmarks_survive_feed_removal(store: Store) -> None:
    fill(store)
    target = next(a for a in all_headlines(store) if a.feed == "Numerama")
    store.set_bookmarked(target.id, True)
    store.sync_feeds([MONDE, SPORT, ODD])
    remaining = all_headlines(store)
    assert target.id in ids(remaining)
    assert {a.feed for a in remaining if a.feed_url == NUMERAMA.url} == {"Numerama"}
    assert len([a for a in remaining if a.feed_url == NUMERAMA.url]) == 1
    assert ids(all_headlines(store, ArticleQuery(bookmarked=True))) == [target.id]
    assert ids(all_headlines(store, ArticleQuery(tags=("tech", "fr")))) == [target.id]
    feeds = {f.url: f for f in store.feed_counts()}
    assert feeds[NUMERAMA.url].total == 1
    assert not store.feed_states()[NUMERAMA.url].active


def test_readded_feed_is_fetched_again(store: Store) -> None:
    store.record_fetch(
        NUMERAMA.url,
        status="ok",
        etag='"v1"',
        last_modified="x",
        body_hash="h",
        error=None,
        when=NOW_ISO,
    )
    store.upsert_entries(NUMERAMA.url, [entry("a")], now=NOW_ISO)
    store.set_bookmarked(all_headlines(store)[0].id, True)
    store.sync_feeds([MONDE])
    store.sync_feeds([MONDE, NUMERAMA])
    state = store.feed_states()[NUMERAMA.url]
    assert state.active and state.etag is None and state.body_hash is None


def test_record_fetch_keeps_validators_on_error_and_304(store: Store) -> None:
    def record(status: str, etag: str | None, error: str | None = None) -> None:
        store.record_fetch(
            NUMERAMA.url,
            status=status,
            etag=etag,
            last_modified=None,
            body_hash="h1" if status == "ok" else None,
            error=error,
            when=NOW_ISO,
        )

    record("ok", '"e1"')
    record("error", None, "HTTP 500")
    state = store.feed_states()[NUMERAMA.url]
    assert (state.etag, state.body_hash, state.last_status) == ('"e1"', "h1", "error")
    assert state.last_error == "HTTP 500"
    record("not_modified", None)
    state = store.feed_states()[NUMERAMA.url]
    assert (state.etag, state.last_error, state.last_status) == ('"e1"', None, "not_modified")
    record("ok", None)
    assert store.feed_states()[NUMERAMA.url].etag is None
    assert store.last_refresh() == NOW


def test_last_refresh_none_before_any_fetch(store: Store) -> None:
    assert store.last_refresh() is None


def test_feed_counts(store: Store) -> None:
    fill(store)
    store.set_read([a.id for a in all_headlines(store) if a.feed == "Numerama"][:2], True)
    record_error(store, SPORT.url, "timeout", NOW_ISO)
    counts = store.feed_counts()
    assert [c.name for c in counts] == [
        "100% _Geek_ \\o/",
        "L'Équipe",
        "Le Monde Économie",
        "Numerama",
    ]
    numerama = counts[-1]
    assert (numerama.total, numerama.unread, numerama.tags) == (3, 1, ("tech", "fr"))
    assert counts[1].last_error == "timeout" and counts[1].last_status == "error"


# --- filters -------------------------------------------------------------------------------


def titles(store: Store, query: ArticleQuery) -> set[str]:
    return {a.title for a in all_headlines(store, query)}


def test_tags_are_anded(store: Store) -> None:
    fill(store)
    assert len(titles(store, ArticleQuery(tags=("fr",)))) == 6
    assert titles(store, ArticleQuery(tags=("tech", "fr"))) == {
        "TikTok interdit aux États-Unis",
        "Nouvelle puce Apple",
        "Mistral lève des fonds",
    }
    assert titles(store, ArticleQuery(tags=("tech", "FR", "fr"))) == titles(
        store, ArticleQuery(tags=("tech", "fr"))
    )
    assert titles(store, ArticleQuery(tags=("tech", "sport"))) == set()
    assert titles(store, ArticleQuery(tags=("nope",))) == set()


def test_exclude_tags(store: Store) -> None:
    fill(store)
    assert titles(store, ArticleQuery(exclude_tags=("fr",))) == {"100% geek"}
    assert titles(store, ArticleQuery(tags=("fr",), exclude_tags=("tech", "eco"))) == {
        "Victoire à Lyon"
    }


def test_feed_filters(store: Store) -> None:
    fill(store)
    assert len(titles(store, ArticleQuery(feed="Numerama"))) == 3
    assert len(titles(store, ArticleQuery(feed="numerama"))) == 3
    assert titles(store, ArticleQuery(feed="Numer")) == set()
    assert len(titles(store, ArticleQuery(feed_contains="économie"))) == 2
    assert len(titles(store, ArticleQuery(feed_contains="ECONOMIE"))) == 2
    assert titles(store, ArticleQuery(feed_contains="nothing")) == set()


@pytest.mark.parametrize(
    ("needle", "expected"),
    [("%", 1), ("100%", 1), ("_", 1), ("_geek_", 1), ("\\", 1), ("\\o/", 1), ("%e", 0), ("_N", 0)],
)
def test_like_metacharacters_in_feed_contains_are_literal(
    store: Store, needle: str, expected: int
) -> None:
    fill(store)
    assert len(titles(store, ArticleQuery(feed_contains=needle))) == expected


def test_unread_and_bookmarked(store: Store) -> None:
    fill(store)
    first, second, *_ = all_headlines(store)
    store.set_read([first.id, second.id], True)
    store.set_read([second.id], False)
    store.set_bookmarked(second.id, True)
    assert first.id not in ids(all_headlines(store, ArticleQuery(unread=True)))
    assert ids(all_headlines(store, ArticleQuery(bookmarked=True))) == [second.id]
    store.set_bookmarked(second.id, False)
    assert all_headlines(store, ArticleQuery(bookmarked=True)) == []
    assert store.unread_count(ArticleQuery()) == 6


def test_newer_than(store: Store) -> None:
    fill(store)
    assert len(titles(store, ArticleQuery(newer_than=NOW - timedelta(hours=24)))) == 5
    naive = (NOW - timedelta(hours=24)).replace(tzinfo=None)
    assert len(titles(store, ArticleQuery(newer_than=naive))) == 5


def test_full_text_search_is_accent_insensitive(store: Store) -> None:
    fill(store)
    assert titles(store, ArticleQuery(text="economie")) == {"L'économie française ralentit"}
    assert titles(store, ArticleQuery(text="ÉCONOMIE")) == {"L'économie française ralentit"}
    assert titles(store, ArticleQuery(text="etats unis")) == {"TikTok interdit aux États-Unis"}
    assert titles(store, ArticleQuery(text="finances")) == {"Budget 2027"}  # body
    assert titles(store, ArticleQuery(text="M9")) == {"Nouvelle puce Apple"}  # summary
    assert titles(store, ArticleQuery(text="tik")) == {"TikTok interdit aux États-Unis"}  # prefix
    assert titles(store, ArticleQuery(text='"puce apple"')) == {"Nouvelle puce Apple"}
    # The index keeps no positions: a phrase finds its words in any order.
    assert titles(store, ArticleQuery(text='"apple puce"')) == {"Nouvelle puce Apple"}
    assert titles(store, ArticleQuery(text='"apple banane"')) == set()


def test_full_text_search_finds_fetched_full_text(store: Store) -> None:
    fill(store)
    target = all_headlines(store)[-1]
    store.set_full_text(target.id, "Un long article sur les lanceurs réutilisables", None)
    assert ids(all_headlines(store, ArticleQuery(text="reutilisables"))) == [target.id]
    store.set_full_text(target.id, None, "gone")
    assert all_headlines(store, ArticleQuery(text="reutilisables")) == []


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        '"unclosed phrase',
        "a OR b",
        "NOT a",
        "a AND",
        "NEAR(a b, 2)",
        "NEAR",
        "*",
        "tik*",
        "^title",
        "title:apple",
        "{title summary}: apple",
        "(apple",
        "apple)",
        "-apple",
        "+",
        "a + b",
        "'; DROP TABLE articles; --",
        "%_\\",
        "\x00\x1b[31m",
        "é" * 300,
    ],
)
def test_search_text_never_raises(store: Store, text: str) -> None:
    fill(store)
    query = ArticleQuery(text=text)
    all_headlines(store, query)
    store.count(query)
    store.tag_counts(query)
    store.headline_page_at(query, 0, 10)
    assert store.count(ArticleQuery()) == 7


@pytest.mark.parametrize("value", ["'; DROP TABLE feeds; --", '"', "%", "_", "\\", "\x00"])
def test_sql_metacharacters_in_every_field(store: Store, value: str) -> None:
    fill(store)
    query = ArticleQuery(
        tags=(value,), exclude_tags=(value,), feed=value, feed_contains=value, text=value
    )
    assert all_headlines(store, query) == []
    assert store.count(query) == 0
    store.sync_feeds([FeedConfig(value, f"https://x.example/{value}", (value,))])
    store.upsert_entries(
        f"https://x.example/{value}", [entry(value, title=value, author=value)], now=NOW_ISO
    )
    (article,) = all_headlines(store, ArticleQuery(tags=(value,), feed=value))
    assert (article.title, article.feed, article.tags) == (value, value, (value,))


# --- paging --------------------------------------------------------------------------------


@pytest.fixture
def big(store: Store) -> Store:
    """250 articles, some sharing a publication second (keyset ties)."""
    for feed in (NUMERAMA, MONDE):
        store.upsert_entries(
            feed.url,
            [entry(f"{feed.name}-{i}", hours_ago=i // 3) for i in range(125)],
            now=NOW_ISO,
        )
    return store


def test_keyset_paging_returns_every_row_once(big: Store) -> None:
    query = ArticleQuery()
    seen: list[int] = []
    cursor: Cursor | None = None
    while True:
        page = big.headlines(query, after=cursor, limit=17)
        if not page:
            break
        seen += ids(page)
        cursor = Cursor(page[-1].published, page[-1].id)
    assert len(seen) == len(set(seen)) == 250
    everything = all_headlines(big)
    assert seen == ids(everything)
    keys = [(a.published, a.id) for a in everything]
    assert keys == sorted(keys, reverse=True)


def test_keyset_paging_with_filter(big: Store) -> None:
    query = ArticleQuery(tags=("eco",))
    seen: list[int] = []
    cursor: Cursor | None = None
    while page := big.headlines(query, after=cursor, limit=10):
        seen += ids(page)
        cursor = Cursor(page[-1].published, page[-1].id)
    assert seen == ids(all_headlines(big, query))
    assert len(seen) == 125


def test_headlines_before_walks_back_up(big: Store) -> None:
    everything = all_headlines(big)
    anchor = everything[100]
    before = big.headlines_before(
        ArticleQuery(), before=Cursor(anchor.published, anchor.id), limit=30
    )
    assert ids(before) == ids(everything[70:100])
    top = everything[5]
    assert ids(big.headlines_before(ArticleQuery(), before=Cursor(top.published, top.id))) == ids(
        everything[:5]
    )


@pytest.mark.parametrize("offset", [0, 1, 99, 124, 200, 240, 249, 250, 400])
def test_headline_page_at(big: Store, offset: int) -> None:
    everything = ids(all_headlines(big))
    expected = everything[offset : offset + 20]
    assert ids(big.headline_page_at(ArticleQuery(), offset, 20)) == expected
    assert ids(big.headline_page_at(ArticleQuery(), offset, 20, total=250)) == expected


def test_headline_page_at_with_filter(big: Store) -> None:
    query = ArticleQuery(feed="Numerama")
    everything = ids(all_headlines(big, query))
    assert ids(big.headline_page_at(query, 110, 20, total=125)) == everything[110:130]
    assert ids(big.headline_page_at(query, 30, 20)) == everything[30:50]


def test_next_and_previous_unread(big: Store) -> None:
    everything = all_headlines(big)
    big.set_read([a.id for a in everything[:10]], True)
    big.set_read([a.id for a in everything[11:20]], True)
    assert big.next_unread(ArticleQuery(), None).id == everything[10].id  # type: ignore[union-attr]
    at = everything[10]
    nxt = big.next_unread(ArticleQuery(), Cursor(at.published, at.id))
    assert nxt is not None and nxt.id == everything[20].id
    prev = big.previous_unread(ArticleQuery(), Cursor(nxt.published, nxt.id))
    assert prev is not None and prev.id == at.id
    assert big.previous_unread(ArticleQuery(), Cursor(at.published, at.id)) is None
    assert big.previous_unread(ArticleQuery(), None) is None


# --- counts and bulk state -------------------------------------------------------------------


def test_counts(store: Store) -> None:
    fill(store)
    assert store.count(ArticleQuery()) == 7
    assert store.count(ArticleQuery(tags=("fr",))) == 6
    store.set_read([a.id for a in all_headlines(store, ArticleQuery(tags=("tech",)))], True)
    assert store.unread_count(ArticleQuery()) == 3
    assert store.unread_count(ArticleQuery(tags=("tech",))) == 0


def test_tag_counts_follow_the_selection(store: Store) -> None:
    fill(store)
    assert store.tag_counts(ArticleQuery()) == {"eco": 2, "fr": 6, "sport": 1, "tech": 4}
    assert store.tag_counts(ArticleQuery(tags=("tech",))) == {
        "eco": 0,
        "fr": 3,
        "sport": 0,
        "tech": 4,
    }
    store.set_read([a.id for a in all_headlines(store, ArticleQuery(feed="Numerama"))], True)
    assert store.tag_counts(ArticleQuery(unread=True))["tech"] == 1


def test_mark_all_read_returns_changed_ids_for_undo(store: Store) -> None:
    fill(store)
    already = all_headlines(store, ArticleQuery(feed="Numerama"))[0]
    store.set_read([already.id], True)
    changed = store.mark_all_read(ArticleQuery(tags=("tech",)))
    assert sorted(changed) == sorted(
        a.id for a in all_headlines(store, ArticleQuery(tags=("tech",))) if a.id != already.id
    )
    assert store.unread_count(ArticleQuery(tags=("tech",))) == 0
    assert store.unread_count(ArticleQuery()) == 3
    store.set_read(changed, False)  # undo
    assert store.unread_count(ArticleQuery(tags=("tech",))) == 3


# --- purge -------------------------------------------------------------------------------


def test_purge_never_removes_bookmarked_or_unread(store: Store) -> None:
    old = [entry(f"old{i}", hours_ago=24 * 100) for i in range(4)]
    store.upsert_entries(
        NUMERAMA.url, [*old, entry("new", hours_ago=1)], now="2026-01-01T00:00:00+00:00"
    )
    by_title = {a.title: a for a in all_headlines(store)}
    store.set_read(
        [by_title[f"Title old{i}"].id for i in (0, 1, 2)] + [by_title["Title new"].id], True
    )
    store.set_bookmarked(by_title["Title old1"].id, True)
    # old3: unread; old1: bookmarked; old0, old2: read → purged; new: too recent.
    assert store.purge(0, now=NOW) == 0
    assert store.purge(90, now=NOW) == 2
    assert {a.title for a in all_headlines(store)} == {"Title old1", "Title old3", "Title new"}
    assert store.purge(90, now=NOW) == 0


def test_purge_keeps_old_items_seen_recently(store: Store) -> None:
    store.upsert_entries(NUMERAMA.url, [entry("old", hours_ago=24 * 400)], now=NOW_ISO)
    store.set_read(ids(all_headlines(store)), True)
    assert store.purge(90, now=NOW) == 0


def test_purged_items_do_not_come_back_while_the_feed_lists_them(store: Store) -> None:
    old = entry("old", hours_ago=24 * 400)
    store.upsert_entries(NUMERAMA.url, [old], now="2020-01-01T00:00:00+00:00")
    store.set_read(ids(all_headlines(store)), True)
    assert store.purge(90, now=NOW) == 1
    assert store.upsert_entries(NUMERAMA.url, [old, entry("fresh")], now=NOW_ISO) == 1
    assert [a.title for a in all_headlines(store)] == ["Title fresh"]
    # Once the feed drops it, the memory of it goes too.
    store.upsert_entries(NUMERAMA.url, [entry("fresh")], now=NOW_ISO)
    assert store.upsert_entries(NUMERAMA.url, [old], now=NOW_ISO) == 1


# --- threads, processes, crashes -------------------------------------------------------------


def test_store_shared_between_threads(store: Store) -> None:
    fill(store)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                store.upsert_entries(SPORT.url, [entry(f"t{n}-{i}")], now=NOW_ISO)
                page = store.headlines(ArticleQuery(), limit=5)
                store.set_read([page[0].id], bool(i % 2))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.count(ArticleQuery(feed="L'Équipe")) == 81


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tui_reader.models import FeedConfig, ParsedEntry
    from tui_reader.store import Store

    path, name = Path(sys.argv[1]), sys.argv[2]
    url = "https://" + name + ".example/rss"
    store = Store.open(path)
    store.sync_feeds([FeedConfig("A", "https://a.example/rss"), FeedConfig("B", "https://b.example/rss")])
    limit = int(sys.argv[3])
    i = 0
    while limit == 0 or i < limit:
        batch = [
            ParsedEntry(f"{name}-{i}-{j}", f"t {i}", "", "", "2026-01-01T00:00:00+00:00",
                        "summary " * 50, "body words " * 200)
            for j in range(5)
        ]
        store.upsert_entries(url, batch, now="2026-01-01T00:00:00+00:00")
        article_id = store._conn().execute(
            "SELECT id FROM articles WHERE guid = ?", (f"{name}-{i}-0",)
        ).fetchone()[0]
        store.set_bookmarked(article_id, True)
        print(article_id, flush=True)
        i += 1
    store.close()
    """
)


def _writer(path: Path, name: str, limit: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), name, str(limit)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_kill_9_keeps_database_and_reported_bookmarks(db_path: Path) -> None:
    Store.open(db_path).close()
    proc = _writer(db_path, "a", 0)
    assert proc.stdout is not None
    done: list[int] = []
    deadline = time.monotonic() + 30
    while len(done) < 40 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        done.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Lines already written to the pipe were also reported as done before the kill.
    done += [int(line) for line in proc.stdout.read().split()]
    assert len(done) >= 40
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # FTS5's check against the articles (rank 1) raises "malformed" when index and rows differ.
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    conn.close()
    with Store.open(db_path) as st:
        bookmarked = set(ids(st.headlines(ArticleQuery(bookmarked=True), limit=100_000)))
    assert set(done) <= bookmarked


def test_two_processes_write_concurrently(db_path: Path) -> None:
    Store.open(db_path).close()
    procs = [_writer(db_path, name, 40) for name in ("a", "b")]
    outputs = [proc.communicate(timeout=120)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0]
    reported = {int(x) for out in outputs for x in out.split()}
    with Store.open(db_path) as st:
        assert st.count(ArticleQuery()) == 2 * 40 * 5
        assert set(ids(st.headlines(ArticleQuery(bookmarked=True), limit=1000))) == reported
    assert len(reported) == 80


def test_position_is_the_row_index(big: Store) -> None:
    query = ArticleQuery(tags=("eco",))
    everything = all_headlines(big, query)
    for index in (0, 1, 57, 124):
        article = everything[index]
        assert big.position(query, Cursor(article.published, article.id)) == index
        page = big.headline_page_at(query, index, 1)
        assert ids(page) == [article.id]


def test_item_without_date_keeps_its_first_seen_time(tmp_path: Path) -> None:
    """Refresh passes its fetch time as both the parser's stand-in date and `now`."""
    from tui_reader.models import FeedConfig, ParsedEntry

    with Store.open(tmp_path / "db.sqlite") as store:
        feed = FeedConfig(name="F", url="https://example.org/feed")
        store.sync_feeds([feed])
        first = "2026-11-01T10:00:00+00:00"
        entry = ParsedEntry("g", "T", "", "", first, "", "")
        store.upsert_entries(feed.url, [entry], now=first)
        later = "2026-11-20T10:00:00+00:00"
        store.upsert_entries(feed.url, [ParsedEntry("g", "T", "", "", later, "", "")], now=later)
        (article,) = store.headlines(ArticleQuery())
        assert article.published == first


def test_full_text_candidates_newest_first_without_attempts(store: Store) -> None:
    fill(store)
    store.upsert_entries(SPORT.url, [entry("s2", hours_ago=0.5, link="")], now=NOW_ISO)
    rows = store.full_text_candidates(100)
    titles = {a.id: a.title for a in all_headlines(store)}
    assert [titles[row[0]] for row in rows][:3] == [
        "TikTok interdit aux États-Unis",
        "L'économie française ralentit",
        "Victoire à Lyon",
    ]
    assert all(row[2] for row in rows)  # the item without a link is no candidate
    done, failed = rows[0][0], rows[1][0]
    store.set_full_text(done, "# Texte", None)
    store.set_full_text(failed, None, "HTTP 404 Not Found")
    left = [row[0] for row in store.full_text_candidates(100)]
    assert done not in left and failed not in left and len(left) == len(rows) - 2
    assert len(store.full_text_candidates(2)) == 2
    only = store.full_text_candidates(100, feed_urls=[MONDE.url, "https://unknown.example/"])
    assert {row[1] for row in only} == {MONDE.url}
    assert [row[3:] for row in only] == [("", "Le projet de loi de finances")]  # m1 failed
    assert store.full_text_candidates(100, feed_urls=[]) == []


def test_recent_texts_per_feed(store: Store) -> None:
    fill(store)
    texts = store.recent_texts([NUMERAMA.url, MONDE.url, "https://unknown.example/"], 2)
    assert set(texts) == {NUMERAMA.url, MONDE.url}
    assert texts[NUMERAMA.url] == [("", ""), ("La puce M9 arrive", "")]
    assert len(texts[MONDE.url]) == 2
