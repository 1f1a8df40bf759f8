"""Deferred Markdown (issue 11): feed text stored as it came, Markdown made when first shown."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.feeds import rss
from tui_reader import deferred
from tui_reader.fetch import Fetcher
from tui_reader.models import ArticleQuery, Config, FeedConfig, Settings
from tui_reader.parse import parse_feed
from tui_reader.refresh import refresh_all
from tui_reader.store import Store

DEMO = Path(__file__).resolve().parent.parent / "tui_reader" / "demo" / "feeds"
NOW = "2026-11-28T12:00:00+00:00"

HOSTILE_ITEMS = [
    {
        "title": "Hostile",
        "link": "https://example.org/h",
        "guid": "h",
        "description": (
            "<p>[bold red]Pwned[/] \x1b[31mrouge\x1b[0m &#27;[2J <a href='javascript:alert(1)'>"
            "clic</a> <a href='/rel?utm_source=x'>relatif</a> <img src='data:x'>"
            "<script>alert(1)</script> une œuvre</p>"
        ),
    },
    {
        "title": "Deux fois",
        "link": "https://example.org/d",
        "guid": "d",
        "description": "Texte brut, pas de balises.",
    },
]


def _entries_both_ways(data: bytes, url: str) -> list[tuple[object, object]]:
    eager = parse_feed(data, url=url, fetched_at=NOW)
    lazy = parse_feed(data, url=url, fetched_at=NOW, deferred=True)
    assert len(eager.entries) == len(lazy.entries)
    pairs = []
    for now_made, later in zip(eager.entries, lazy.entries, strict=True):
        assert later.summary == "" and later.body == "" and later.source is not None
        summary, body = deferred.render(later.source)
        fields = ("guid", "title", "link", "author", "published")
        pairs.append(
            (
                (*(getattr(now_made, f) for f in fields), now_made.summary, now_made.body),
                (*(getattr(later, f) for f in fields), summary, body),
            )
        )
    return pairs


@pytest.mark.parametrize("path", sorted(DEMO.iterdir()), ids=lambda p: p.name)
def test_rendered_later_is_what_the_parser_made_before(path: Path) -> None:
    for now_made, later in _entries_both_ways(path.read_bytes(), "https://example.org/feed"):
        assert later == now_made


def test_hostile_text_renders_the_same_and_clean() -> None:
    data = rss("Hostile", HOSTILE_ITEMS)
    for now_made, later in _entries_both_ways(data, "https://example.org/feed"):
        assert later == now_made
    lazy = parse_feed(data, url="https://example.org/feed", fetched_at=NOW, deferred=True)
    assert lazy.entries[0].source is not None
    summary, body = deferred.render(lazy.entries[0].source)
    text = summary + body
    assert "\x1b" not in text and "javascript" not in text and "alert" not in text
    assert "[bold red]Pwned[/]" in text  # markup stays literal text, for the UI to escape
    # The search text is plain words: no tags, no script, ligatures folded as in the index.
    summary_text = deferred.index_text(lazy.entries[0].source, 0, None)
    assert deferred.index_text(lazy.entries[0].source, 1, None) == ""
    assert "oeuvre" in summary_text
    assert "<" not in summary_text and "alert" not in summary_text


def test_plain_text_and_ligatures() -> None:
    part = ("html", "", "<p>Une <b>œuvre</b> &amp; <i>Straße</i><!-- x --><style>p{}</style></p>")
    assert deferred.plain_text(part).split() == ["Une", "œuvre", "&", "Straße"]
    indexed = deferred.index_text(deferred.pack(None, part), 1, None)
    assert indexed.split() == ["Une", "oeuvre", "&", "Strasse"]
    assert deferred.unpack(deferred.pack(None, part)) == (None, part)
    assert deferred.unpack(b"not zlib") == (None, None)


# --- through a real refresh -------------------------------------------------------------------

ITEMS = [
    {
        "title": f"Article {n}",
        "link": f"https://example.org/a/{n}",
        "guid": f"a-{n}",
        "pubDate": f"20 Nov 2026 {20 - n:02d}:00:00 +0000",
        "description": (
            f"<p>Le chef-d’<b>œuvre</b> numéro {n} du <a href='/musee'>musée</a>, "
            "un texte assez long pour ne pas passer pour un simple résumé de quelques mots, "
            "qui continue encore un peu pour faire bonne mesure et se termine ici.</p>"
        ),
    }
    for n in range(3)
]


def _refresh(store: Store, url: str) -> None:
    config = Config(settings=Settings(full_articles="never"), feeds=(FeedConfig("Musée", url),))
    store.sync_feeds(config.feeds)

    async def run() -> None:
        async with Fetcher(timeout=5) as fetcher:
            await refresh_all(config, store, fetcher)

    asyncio.run(run())


def test_refresh_stores_source_and_shows_markdown_once_made(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss("Musée", ITEMS), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml")
    path = tmp_path / "db.sqlite"
    with Store.open(path) as store:
        _refresh(store, url)
        raw = sqlite3.connect(path, isolation_level=None)
        rows = raw.execute("SELECT body, md_ready, length(source) FROM articles").fetchall()
        assert len(rows) == 3
        # Nothing converted at refresh: no Markdown, a compressed source smaller than the HTML.
        assert all(body == "" and ready == 0 and size for body, ready, size in rows)
        # Search finds words of the body, with "oeuvre" and "œuvre" alike.
        for words in ("oeuvre numero 1", "œuvre numéro 1", "musee 1"):
            found = store.headlines(ArticleQuery(text=words))
            assert [a.title for a in found] == ["Article 1"], words
        first = store.headlines(ArticleQuery(text="numero 0"))[0]
        article = store.get_article(first.id)
        assert article is not None
        # An RSS description is the summary; its relative link resolved against the site.
        assert article.summary.startswith("Le chef-d’**œuvre** numéro 0 du [musée](")
        assert "](https://example.org/musee)" in article.summary and article.body == ""
        summary, ready = raw.execute(
            "SELECT summary, md_ready FROM articles WHERE id = ?", (first.id,)
        ).fetchone()
        assert ready == 1 and summary == article.summary  # cached for next time
        # Caching the Markdown left the search index as it was.
        assert [a.title for a in store.headlines(ArticleQuery(text="oeuvre numero 0"))] == [
            "Article 0"
        ]
        assert (
            raw.execute(
                "INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')"
            ).fetchall()
            == []
        )

        # The feed gains an item and changes one: only those two are written again.
        changed = [dict(item) for item in ITEMS]
        changed[2]["description"] = "<p>Un texte tout à fait différent maintenant, désormais.</p>"
        new_item = {**ITEMS[0], "guid": "a-new", "title": "Nouveau"}
        httpserver.clear()
        httpserver.expect_request("/feed.xml").respond_with_data(
            rss("Musée", [new_item, *changed]), content_type="application/rss+xml"
        )
        _refresh(store, url)
        states = dict(raw.execute("SELECT title, md_ready FROM articles").fetchall())
        # Article 0 was shown and is unchanged: its cached Markdown was not touched.
        assert states == {"Article 0": 1, "Article 1": 0, "Article 2": 0, "Nouveau": 0}
        assert store.headlines(ArticleQuery(text="numero 2")) == []
        found = store.headlines(ArticleQuery(text="completement different"))
        assert found == [] and [
            a.title for a in store.headlines(ArticleQuery(text="tout a fait different"))
        ] == ["Article 2"]
        raw.close()
