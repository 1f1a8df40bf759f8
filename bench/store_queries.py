"""Store query timings at 50,000 articles over 200 feeds.

Targets: a headline page (any filter) ≤ 10 ms, a search page ≤ 25 ms.
Run: .venv/bin/python bench/store_queries.py [--articles N] [--keep DIR]
Not part of the test suite; prints one line per query with the median of several runs.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui_reader.models import ArticleQuery, Cursor, FeedConfig, ParsedEntry
from tui_reader.store import Store

TAGS = ["tech", "fr", "science", "eco", "politique", "sport", "culture", "jeux", "dev", "ia"]
_WORDS_TEXT = (
    "économie gouvernement réseau sécurité données intelligence artificielle téléphone "
    "entreprise marché santé climat énergie voiture électrique logiciel libre navigateur "
    "serveur fuite vulnérabilité élection européenne réforme budget Paris Lyon Marseille "
    "TikTok Apple Google Microsoft Mistral OpenAI batterie fusée satellite vaccin école"
)
WORDS = _WORDS_TEXT.split()
FEEDS = 200
NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)


VOCABULARY = [f"mot{i}" for i in range(30_000)]
for i, word in enumerate(WORDS):
    VOCABULARY.insert(20 + i * 40, word)  # the real words at mid frequencies
CUMULATIVE = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(VOCABULARY))))


def _text(rng: random.Random, words: int) -> str:
    """Zipf-distributed words, like natural text."""
    return " ".join(rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=words))


def build(path: Path, articles: int) -> Store:
    """A store with `articles` articles spread over FEEDS feeds."""
    rng = random.Random(42)
    store = Store.open(path)
    feeds = [
        FeedConfig(
            f"Feed {i:03d} {rng.choice(WORDS)}",
            f"https://f{i}.example/rss",
            tuple(rng.sample(TAGS, rng.randint(1, 3))),
        )
        for i in range(FEEDS)
    ]
    store.sync_feeds(feeds)
    per_feed = articles // FEEDS
    started = time.perf_counter()
    for index, feed in enumerate(feeds):
        entries = [
            ParsedEntry(
                guid=f"{feed.url}#{n}",
                title=_text(rng, 8),
                link=f"{feed.url}/{n}",
                author="A. Auteur",
                published=(NOW - timedelta(minutes=rng.randint(0, 60 * 24 * 365))).isoformat(),
                summary=_text(rng, 40),
                body=_text(rng, 300) if index % 2 else "",  # half the feeds give summaries only
            )
            for n in range(per_feed)
        ]
        store.upsert_entries(feed.url, entries, now=NOW.isoformat())
    print(f"build: {per_feed * FEEDS} articles in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    indexed = store.index_pending()  # what the reader does once idle after a refresh
    print(f"search index catch-up: {indexed} articles in {time.perf_counter() - started:.1f} s")
    conn = store._conn()
    conn.execute("UPDATE articles SET read = 1 WHERE abs(random()) % 10 < 6")
    conn.execute("UPDATE articles SET bookmarked = 1 WHERE abs(random()) % 100 < 2")
    conn.execute("ANALYZE")
    return store


def timed(label: str, fn: Callable[[], object], runs: int = 15) -> float:
    """Print and return the median time of `fn` in ms."""
    fn()  # warm the page cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    median = statistics.median(samples)
    print(f"{label:<48} {median:7.2f} ms")
    return median


def main() -> None:
    """Build the database and time each query kind."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="build the database in this directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = build((args.keep or Path(tmp)) / "bench.sqlite3", args.articles)
        some_feed = store.feed_counts()[17].name
        queries = {
            "all": ArticleQuery(),
            "unread": ArticleQuery(unread=True),
            "bookmarked": ArticleQuery(bookmarked=True),
            "tag +tech": ArticleQuery(tags=("tech",)),
            "tags +tech +fr": ArticleQuery(tags=("tech", "fr")),
            "exclude -sport": ArticleQuery(exclude_tags=("sport",)),
            "feed (exact)": ArticleQuery(feed=some_feed),
            "feed_contains 'énergie'": ArticleQuery(feed_contains="energie"),
            "newer_than 7d": ArticleQuery(newer_than=NOW - timedelta(days=7)),
            "unread +tech": ArticleQuery(tags=("tech",), unread=True),
        }
        print("-- headline pages (limit 100)")
        for name, query in queries.items():
            timed(f"headlines first page: {name}", lambda q=query: store.headlines(q))
            page = store.headlines(query, limit=1000)
            if page:
                cur = Cursor(page[-1].published, page[-1].id)
                timed(
                    f"headlines after 1000 rows: {name}",
                    lambda q=query, c=cur: store.headlines(q, after=c),
                )
                timed(
                    f"headlines_before: {name}",
                    lambda q=query, c=cur: store.headlines_before(q, before=c),
                )
            total = store.count(query)
            timed(
                f"headline_page_at middle ({total // 2}): {name}",
                lambda q=query, t=total: store.headline_page_at(q, t // 2, 100),
            )
            timed(
                f"headline_page_at end: {name}",
                lambda q=query, t=total: store.headline_page_at(q, max(0, t - 100), 100),
            )
            timed(
                f"headline_page_at end, total given: {name}",
                lambda q=query, t=total: store.headline_page_at(q, max(0, t - 100), 100, total=t),
            )
            timed(f"count: {name}", lambda q=query: store.count(q))
            if page:
                timed(f"position of row 1000: {name}", lambda q=query, c=cur: store.position(q, c))
        print("-- search pages (limit 100)")
        for text in (
            "économie",
            "economie",
            "intelligence artificielle",
            '"voiture électrique"',
            "tik",
            "satellite vaccin école",
            "zzzz nothing",
        ):
            query = ArticleQuery(text=text)
            timed(f"search {text!r}", lambda q=query: store.headlines(q))
            timed(f"search count {text!r}", lambda q=query: store.count(q))
        timed(
            "search 'économie' + unread + tag",
            lambda: store.headlines(ArticleQuery(text="économie", unread=True, tags=("tech",))),
        )
        print("-- sidebar and state")
        timed("tag_counts(all)", lambda: store.tag_counts(ArticleQuery()))
        timed("tag_counts(unread)", lambda: store.tag_counts(ArticleQuery(unread=True)))
        timed("feed_counts()", store.feed_counts)
        first = store.headlines(ArticleQuery(), limit=1)[0]
        timed("get_article", lambda: store.get_article(first.id))
        timed("set_bookmarked", lambda: store.set_bookmarked(first.id, True))
        timed(
            "next_unread",
            lambda: store.next_unread(ArticleQuery(), Cursor(first.published, first.id)),
        )
        print("-- refresh")
        feeds = store.feed_states()
        rng = random.Random(7)
        started = time.perf_counter()
        for url in list(feeds)[:FEEDS]:
            entries = [
                ParsedEntry(
                    f"{url}#new{n}",
                    _text(rng, 8),
                    f"{url}/new{n}",
                    "",
                    NOW.isoformat(),
                    _text(rng, 40),
                    _text(rng, 200),
                )
                for n in range(50)
            ]
            store.upsert_entries(url, entries, now=NOW.isoformat())
        print(f"upsert 200 feeds x 50 new items: {(time.perf_counter() - started) * 1000:.0f} ms")
        started = time.perf_counter()
        for url in list(feeds)[:FEEDS]:
            entries = [
                ParsedEntry(
                    f"{url}#new{n}",
                    "changed " + str(n),
                    f"{url}/new{n}",
                    "",
                    NOW.isoformat(),
                    "",
                    "",
                )
                for n in range(25)
            ]
            store.upsert_entries(url, entries, now=NOW.isoformat())
        print(
            f"upsert 200 feeds x 25 changed items: {(time.perf_counter() - started) * 1000:.0f} ms"
        )
        started = time.perf_counter()
        for url in list(feeds)[:FEEDS]:
            entries = [
                ParsedEntry(
                    f"{url}#new{n}",
                    "changed " + str(n),
                    f"{url}/new{n}",
                    "",
                    NOW.isoformat(),
                    "",
                    "",
                )
                for n in range(25)
            ]
            store.upsert_entries(url, entries, now=NOW.isoformat())
        print(f"upsert 200 feeds x 25 unchanged: {(time.perf_counter() - started) * 1000:.0f} ms")
        store.close()


if __name__ == "__main__":
    main()
