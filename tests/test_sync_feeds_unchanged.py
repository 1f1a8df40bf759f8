"""`Store.sync_feeds` with the config the store already matches (every launch) writes
nothing; any difference still goes through the full sync (issue 11)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_reader.models import ArticleQuery, FeedConfig, ParsedEntry
from tui_reader.store import Store

NUMERAMA = FeedConfig("Numerama", "https://numerama.example/feed", ("tech", "fr"))
MONDE = FeedConfig("Le Monde", "https://lemonde.example/rss", ("eco", "fr"))
NOW = "2026-11-28T12:00:00+00:00"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    st = Store.open(db_path)
    st.sync_feeds([NUMERAMA, MONDE])
    yield st
    st.close()


def writes_by(store: Store, db_path: Path, action: object) -> bool:
    """Whether `action()` committed a write to the file (seen from another connection)."""
    other = sqlite3.connect(db_path)
    try:
        before = other.execute("PRAGMA data_version").fetchone()[0]
        action()  # type: ignore[operator]
        return bool(other.execute("PRAGMA data_version").fetchone()[0] != before)
    finally:
        other.close()


def test_the_same_feeds_again_write_nothing(store: Store, db_path: Path) -> None:
    assert not writes_by(store, db_path, lambda: store.sync_feeds([NUMERAMA, MONDE]))
    assert not writes_by(store, db_path, lambda: store.sync_feeds([MONDE, NUMERAMA]))
    states = store.feed_states()
    assert states[NUMERAMA.url].tags == ("tech", "fr")
    assert states[MONDE.url].name == "Le Monde"


@pytest.mark.parametrize(
    "feeds",
    [
        [FeedConfig("Numerama FR", NUMERAMA.url, NUMERAMA.tags), MONDE],  # renamed
        [FeedConfig(NUMERAMA.name, NUMERAMA.url, ("fr", "tech")), MONDE],  # tags reordered
        [FeedConfig(NUMERAMA.name, NUMERAMA.url, ("tech",)), MONDE],  # a tag fewer
        [FeedConfig(NUMERAMA.name, NUMERAMA.url, ()), MONDE],  # no tag left
        [MONDE],  # a feed removed
        [NUMERAMA, MONDE, FeedConfig("Sport", "https://sport.example/rss")],  # one added
    ],
)
def test_any_difference_is_synced(store: Store, db_path: Path, feeds: list[FeedConfig]) -> None:
    assert writes_by(store, db_path, lambda: store.sync_feeds(feeds))
    states = store.feed_states()
    assert {url for url, state in states.items() if state.active} == {f.url for f in feeds}
    for feed in feeds:
        assert states[feed.url].name == feed.name
        assert states[feed.url].tags == feed.tags


def test_a_removed_feed_kept_for_its_bookmark_is_not_a_match(store: Store, db_path: Path) -> None:
    """An inactive feed (kept for a bookmark) is still swept by the next sync: the same
    config after an unbookmark forgets the article and the feed."""
    entry = ParsedEntry(
        guid="a", title="Un", link="https://numerama.example/a", author="",
        published=NOW, summary="", body="",
    )  # fmt: skip
    store.upsert_entries(NUMERAMA.url, [entry], now=NOW)
    article = store.headlines(ArticleQuery(), limit=1)[0]
    store.set_bookmarked(article.id, True)
    store.sync_feeds([MONDE])
    assert not store.feed_states()[NUMERAMA.url].active
    store.set_bookmarked(article.id, False)
    assert writes_by(store, db_path, lambda: store.sync_feeds([MONDE]))
    assert NUMERAMA.url not in store.feed_states()
    assert store.get_article(article.id) is None


def test_case_insensitive_duplicate_tags_still_sync_the_same(store: Store) -> None:
    """Tags are unique per feed ignoring ASCII case: the config's duplicate is dropped, at
    every sync alike."""
    feeds = [FeedConfig(NUMERAMA.name, NUMERAMA.url, ("tech", "Tech", "fr")), MONDE]
    store.sync_feeds(feeds)
    store.sync_feeds(feeds)
    assert store.feed_states()[NUMERAMA.url].tags == ("tech", "fr")
