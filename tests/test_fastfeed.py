"""The lxml fast path (fastfeed.py) and feedparser read every feed into the same entries.

`parse_feed` reads plain RSS 2.0 and Atom with lxml and everything else with feedparser; the
two must agree field for field. Each document here is parsed twice, once as `parse_feed` does
and once with the fast path turned off, over the demo feeds, the feeds in tests/data, a
generated benchmark corpus and documents written to probe each rule fastfeed copies from
feedparser (dates, HTML guessing, cp1252, URI fixing, GUIDs, content types).
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from tests.hostile.documents import atom, atom_entry, rss, rss_item
from tui_reader import parse
from tui_reader.demo import DEMO_FEEDS, demo_feed_bytes
from tui_reader.fastfeed import read_simple_feed
from tui_reader.feed_dates import feedparser_date, parse_date
from tui_reader.models import ParsedFeed

ROOT = Path(__file__).resolve().parent.parent
URL = "https://example.org/feed"
FETCHED_AT = "2026-11-28T12:00:00+00:00"
FEED_SUFFIXES = (".xml", ".atom", ".rss")


def both_ways(body: bytes) -> tuple[ParsedFeed | str, ParsedFeed | str, bool]:
    """(with the fast path, with feedparser only, whether the fast path took the document)."""
    data, _ = parse._prepare_xml(body, "")
    used = read_simple_feed(data) is not None
    results: list[ParsedFeed | str] = []
    for fast in (True, False):
        original = parse.read_simple_feed
        if not fast:
            parse.read_simple_feed = lambda data: None  # type: ignore[assignment]
        try:
            results.append(parse.parse_feed(body, url=URL, fetched_at=FETCHED_AT))
        except parse.ParseError as error:
            results.append(f"ParseError: {error}")
        finally:
            parse.read_simple_feed = original
    return results[0], results[1], used


def assert_same(body: bytes, *, fast: bool | None = True) -> ParsedFeed | str:
    """Both ways give the same result; `fast` says whether the fast path must take it."""
    with_fast, feedparser_only, used = both_ways(body)
    if fast is not None:
        assert used is fast, "the fast path took it" if used else "the fast path refused it"
    if isinstance(with_fast, ParsedFeed) and isinstance(feedparser_only, ParsedFeed):
        assert (with_fast.title, with_fast.link) == (feedparser_only.title, feedparser_only.link)
        assert len(with_fast.entries) == len(feedparser_only.entries)
        for mine, theirs in zip(with_fast.entries, feedparser_only.entries, strict=True):
            assert mine == theirs
    assert with_fast == feedparser_only
    return with_fast


# --- files: the demo feeds, tests/data and a generated corpus ------------------------------


def data_files() -> list[Path]:
    return sorted(p for p in (ROOT / "tests" / "data").rglob("*") if p.suffix in FEED_SUFFIXES)


@pytest.mark.parametrize("filename", [filename for _, filename, _ in DEMO_FEEDS])
def test_demo_feeds_read_the_same(filename: str) -> None:
    parsed = assert_same(demo_feed_bytes(filename), fast=None)
    assert isinstance(parsed, ParsedFeed) and len(parsed.entries) >= 5


def test_the_fast_path_takes_most_demo_feeds() -> None:
    """Else the comparison above is feedparser against itself (Frandroid's xml:lang is not
    read by the fast path)."""
    taken = [name for name, filename, _ in DEMO_FEEDS if both_ways(demo_feed_bytes(filename))[2]]
    assert len(taken) >= len(DEMO_FEEDS) - 1, taken


@pytest.mark.parametrize("path", data_files(), ids=lambda p: p.name)
def test_data_feeds_read_the_same(path: Path) -> None:
    assert_same(path.read_bytes(), fast=None)


def test_tests_data_holds_feeds() -> None:
    assert len(data_files()) >= 3  # else the test above checks nothing


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A small corpus from bench/corpus.py: realistic RSS and Atom with full HTML bodies."""
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    out = tmp_path_factory.mktemp("corpus")
    module.generate(out, n_feeds=9, items=8, seed=7)
    return sorted(p for p in out.iterdir() if p.suffix in FEED_SUFFIXES)


def test_generated_corpus_reads_the_same(corpus: list[Path]) -> None:
    assert len(corpus) == 9
    for path in corpus:
        parsed = assert_same(path.read_bytes())
        assert isinstance(parsed, ParsedFeed) and len(parsed.entries) == 8, path.name


# --- documents that probe each rule ----------------------------------------------------------

DATES = [
    "Tue, 24 Nov 2026 08:00:00 +0000",
    "Tue, 24 Nov 2026 08:00:00 GMT",
    "24 Nov 2026 08:00 +0200",
    "Tue, 24 Nov 26 08:00:00 EST",
    "Tue, 24 Nov 2026 08:00:00",
    "2026-11-24T08:00:00Z",
    "2026-11-24T08:00:00.123+05:30",
    "2026-11-24",
    "jeu., 26 nov. 2026 10:00:00 +0100",
    "26 novembre 2026 à 10h30",
    "Tue, 31 Feb 2026 08:00:00 +0000",
    "Tue, 24 Nov 2026 08:00:00 CEST",
    "not a date",
]


@pytest.mark.parametrize("date", DATES)
def test_rss_dates_read_the_same(date: str) -> None:
    body = rss([rss_item("Titre", link="https://example.org/a", guid="g1", pub=date)])
    # A date our parser does not know is left to feedparser: the fast path refuses it.
    assert_same(body.encode(), fast=parse_date(date) is not None)


@pytest.mark.parametrize("date", DATES)
def test_atom_dates_read_the_same(date: str) -> None:
    body = atom([atom_entry("Titre", id="urn:1", link="https://example.org/a", updated=date)])
    assert_same(body.encode(), fast=parse_date(date) is not None)


RSS_ITEMS = {
    "html-title": rss_item("Le &lt;b&gt;gras&lt;/b&gt; &amp;amp; co", link="https://e.org/1"),
    "unknown-tag-title": rss_item("&lt;blink&gt;x&lt;/blink&gt;", link="https://e.org/2"),
    "entity-title": rss_item("caf&amp;eacute; &amp;nosuch;", link="https://e.org/3"),
    "c1-chars": rss_item("prix \u0080 5 \u0093cit\u00e9\u0094 \u0081", link="https://e.org/4"),
    "utf8-as-latin1": rss_item("Ã©tÃ©", link="https://e.org/5"),
    "triple-slash-link": rss_item("Lien", link="http:///example.org/6"),
    "relative-link": rss_item("Relatif", link="/post/7"),
    "guid-permalink": "<item><title>G</title><guid>https://e.org/8</guid></item>",
    "guid-not-url": '<item><title>G</title><guid isPermaLink="true">tag-9</guid></item>',
    "guid-only": '<item><guid isPermaLink="false">o</guid><description>d</description></item>',
    "content-encoded": rss_item(
        "C",
        link="https://e.org/11",
        extra="<content:encoded><![CDATA[<p>Long <b>corps</b></p>]]></content:encoded>",
    ),
    "dc-creator": rss_item(
        "A", link="https://e.org/12", extra="<dc:creator>Jeanne Dupont</dc:creator>"
    ),
    "dc-date": rss_item(
        "D", link="https://e.org/13", pub="", extra="<dc:date>2026-11-20T10:00:00+01:00</dc:date>"
    ),
    "empty-fields": rss_item("", link="", pub="", desc="juste un résumé"),
    "whitespace": rss_item("   Titre \n  sur deux lignes  ", link="  https://e.org/14  "),
}


@pytest.mark.parametrize("name", list(RSS_ITEMS))
def test_rss_rules_read_the_same(name: str) -> None:
    assert_same(rss([RSS_ITEMS[name]]).encode(), fast=None)


ATOM_ENTRIES = {
    "text": atom_entry("Plain &amp; simple", id="urn:a1", link="https://e.org/a1"),
    "html": atom_entry("&lt;i&gt;Italique&lt;/i&gt;", id="urn:a2", title_type="html"),
    "content-html": atom_entry("C", id="urn:a3", content="&lt;p&gt;Corps&lt;/p&gt;"),
    "content-text": atom_entry("T", id="urn:a4", content="brut", content_type="text"),
    "author": atom_entry("A", id="urn:a5", author="Jeanne"),
    "relative": atom_entry("R", id="urn:a6", link="/relatif/6"),
    "id-is-url": atom_entry("U", id="https://e.org/a7"),
}


@pytest.mark.parametrize("name", list(ATOM_ENTRIES))
def test_atom_rules_read_the_same(name: str) -> None:
    assert_same(atom([ATOM_ENTRIES[name]]).encode(), fast=None)


def test_the_fast_path_takes_most_rule_documents() -> None:
    """Else the rule tests above compare feedparser with itself."""
    taken = [
        name
        for name, item in {**RSS_ITEMS, **{f"atom-{k}": v for k, v in ATOM_ENTRIES.items()}}.items()
        if both_ways((rss([item]) if not name.startswith("atom-") else atom([item])).encode())[2]
    ]
    assert len(taken) >= 15, taken


# --- dates: one parser, registered with feedparser --------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 24 Nov 2026 08:00:00 +0000", datetime(2026, 11, 24, 8, tzinfo=UTC)),
        ("24 Nov 2026 08:00 +0200", datetime(2026, 11, 24, 6, tzinfo=UTC)),
        ("Tue, 24 Nov 26 08:00:00 EST", datetime(2026, 11, 24, 13, tzinfo=UTC)),
        ("2026-11-24T08:00:00.5+05:30", datetime(2026, 11, 24, 2, 30, 0, 500000, tzinfo=UTC)),
        ("2026-11-24", datetime(2026, 11, 24, tzinfo=UTC)),
        ("jeu., 26 nov. 2026 10:00:00 +0100", datetime(2026, 11, 26, 9, tzinfo=UTC)),
        ("1er décembre 2026", datetime(2026, 12, 1, tzinfo=UTC)),
        ("Tue, 24 Nov 2026 08:00:00 CEST", None),  # a zone name we do not know
        ("Tue, 31 Feb 2026 08:00:00 +0000", None),
        ("", None),
        ("demain", None),
    ],
)
def test_parse_date(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected


def test_feedparser_asks_our_parser_first() -> None:
    """A French date feedparser cannot read alone comes out of feedparser.parse as ours does."""
    document = rss([rss_item("T", link="https://e.org/", pub="jeu., 26 nov. 2026 10:00 +0100")])
    entry = feedparser.parse(document.encode())["entries"][0]
    assert tuple(entry["published_parsed"]) == tuple(feedparser_date(entry["published"]))
    assert entry["published_parsed"][:5] == (2026, 11, 26, 9, 0)


def test_a_date_only_feedparser_knows_still_counts() -> None:
    """Dates our parser does not read (a Korean one here) go to feedparser's own handlers."""
    korean = "2026-11-24 오후 3:30:00"
    assert parse_date(korean) is None
    body = rss([rss_item("T", link="https://e.org/", pub=korean)]).encode()
    parsed = assert_same(body, fast=False)
    assert isinstance(parsed, ParsedFeed)
    published = datetime.fromisoformat(parsed.entries[0].published)
    assert published != datetime.fromisoformat(FETCHED_AT)  # not the fallback: it was read
