"""Rules on a real SQLite store: hide, read, tag; recomputed only when the rules change."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_store import MONDE, NOW, NOW_ISO, NUMERAMA, entry
from tui_reader.models import ArticleQuery, RuleConfig
from tui_reader.rules import apply_to_new, reconcile
from tui_reader.store import Store

HIDE_PROMO = RuleConfig("bon plan", "hide")
TAG_SECU = RuleConfig("openssl", "tag:securite")
READ_ECO = RuleConfig("+eco", "read")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    st = Store.open(tmp_path / "db.sqlite3")
    st.sync_feeds([NUMERAMA, MONDE])
    st.upsert_entries(
        NUMERAMA.url,
        [
            entry("promo", title="Bon plan : un SSD", hours_ago=1),
            entry(
                "faille", title="Mise à jour urgente", body="Une faille dans OpenSSL", hours_ago=2
            ),
            entry("plain", title="Un article", hours_ago=3),
        ],
        now=NOW_ISO,
    )
    st.upsert_entries(MONDE.url, [entry("eco", title="La bourse", hours_ago=4)], now=NOW_ISO)
    yield st
    st.close()


ALL = ArticleQuery()


def titles(store: Store, query: ArticleQuery = ALL) -> set[str]:
    return {article.title for article in store.headlines(query, limit=100)}


def test_hide_rule_on_stored_items_leaves_lists_and_counts(store: Store) -> None:
    reconcile(store, [HIDE_PROMO], now=NOW)
    assert "Bon plan : un SSD" not in titles(store)
    assert titles(store, ArticleQuery(hidden="only")) == {"Bon plan : un SSD"}
    assert len(titles(store, ArticleQuery(hidden="include"))) == 4
    assert store.count(ArticleQuery()) == 3
    assert store.unread_count(ArticleQuery(tags=("tech",))) == 2
    assert store.tag_counts(ArticleQuery())["tech"] == 2
    numerama = next(count for count in store.feed_counts() if count.name == "Numerama")
    assert (numerama.total, numerama.unread) == (2, 2)


def test_rule_query_matches_bodies(store: Store) -> None:
    reconcile(store, [TAG_SECU], now=NOW)
    (article,) = store.headlines(ArticleQuery(tags=("securite",)), limit=10)
    assert article.title == "Mise à jour urgente"
    assert article.tags == ("tech", "fr", "securite")
    assert store.tag_counts(ArticleQuery())["securite"] == 1
    assert "Mise à jour urgente" not in titles(store, ArticleQuery(exclude_tags=("securite",)))


def test_unchanged_rules_are_not_rerun_and_changed_ones_are(store: Store, tmp_path: Path) -> None:
    reconcile(store, [HIDE_PROMO], now=NOW)
    # Unhide behind the store's back: an unchanged rule set must not look again.
    conn = sqlite3.connect(tmp_path / "db.sqlite3")
    conn.execute("UPDATE articles SET hidden = 0")
    conn.commit()
    conn.close()
    changes = reconcile(store, [HIDE_PROMO], now=NOW)
    assert not changes.hidden and "Bon plan : un SSD" in titles(store)
    changes = reconcile(store, [HIDE_PROMO, RuleConfig("bourse", "hide")], now=NOW)
    assert changes.hidden and not changes.tags
    assert titles(store) == {"Mise à jour urgente", "Un article"}
    changes = reconcile(store, [], now=NOW)
    assert changes.hidden and len(titles(store)) == 4


def test_removed_tag_rule_removes_its_tags(store: Store) -> None:
    reconcile(store, [TAG_SECU], now=NOW)
    assert store.count(ArticleQuery(tags=("securite",))) == 1
    reconcile(store, [], now=NOW)
    assert store.count(ArticleQuery(tags=("securite",))) == 0
    assert "securite" not in store.tag_counts(ArticleQuery())


def test_read_rule_applies_once_and_spares_bookmarks(store: Store) -> None:
    (eco,) = store.headlines(ArticleQuery(tags=("eco",)), limit=10)
    store.set_bookmarked(eco.id, True)
    reconcile(store, [READ_ECO, RuleConfig("bon plan", "read")], now=NOW)
    assert titles(store, ArticleQuery(unread=True)) == {
        "La bourse",  # bookmarked: never marked read by a rule
        "Mise à jour urgente",
        "Un article",
    }
    (promo,) = store.headlines(ArticleQuery(text="bon plan"), limit=10)
    store.set_read([promo.id], False)  # the user's choice stands while the rules do not change
    reconcile(store, [READ_ECO, RuleConfig("bon plan", "read")], now=NOW)
    assert "Bon plan : un SSD" in titles(store, ArticleQuery(unread=True))


def test_bookmarked_items_are_never_hidden(store: Store) -> None:
    (promo,) = store.headlines(ArticleQuery(text="bon plan"), limit=10)
    store.set_bookmarked(promo.id, True)
    reconcile(store, [HIDE_PROMO], now=NOW)
    assert "Bon plan : un SSD" in titles(store)
    assert "Bon plan : un SSD" in titles(store, ArticleQuery(bookmarked=True))


def test_new_items_get_the_rules_when_stored(store: Store) -> None:
    reconcile(store, [HIDE_PROMO, TAG_SECU], now=NOW)
    store.upsert_entries(
        NUMERAMA.url,
        [entry("promo2", title="Autre bon plan"), entry("ssl", title="OpenSSL 4")],
        now=NOW_ISO,
    )
    assert apply_to_new(store, [HIDE_PROMO, TAG_SECU], now=NOW) == 2
    assert "Autre bon plan" not in titles(store)
    assert titles(store, ArticleQuery(tags=("securite",))) == {"Mise à jour urgente", "OpenSSL 4"}
    assert apply_to_new(store, [HIDE_PROMO, TAG_SECU], now=NOW) == 0  # each item once
