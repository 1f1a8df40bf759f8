"""Property tests (hypothesis): the parser, the search language, store search and config.

clean_text's own properties live in tests/test_text.py (no control character survives,
idempotent, single-line form); here they are checked again through the parser, on random
bytes and on valid feeds mutated at random.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.documents import atom, atom_entry, json_feed, rss, rss_item
from tests.hostile.harness import FORBIDDEN, check_link
from tui_reader.config import config_from_text, problems_for_text
from tui_reader.models import ArticleQuery, FeedConfig, ParsedEntry, Settings
from tui_reader.parse import ParseError, parse_feed
from tui_reader.query import fts_match_expression, parse_search
from tui_reader.store import Store

FAST = settings(
    max_examples=int(os.environ.get("HOSTILE_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
MARKDOWN_TARGET = re.compile(r"\]\(([^)\s]*)\)")

# Seeds: one document of each format, each with a few hostile values in place.
RSS_SEED = rss([
    rss_item("Titre &eacute; \x1b[31m", link="/a", guid="1", desc="&lt;p&gt;<b>x</b>&lt;/p&gt;"),
    rss_item("<![CDATA[cdata \x1b]52;c;eA==\x07]]>", link="javascript:x", guid="2",
             desc="&lt;a href='file:///etc'&gt;l&lt;/a&gt;", extra="<dc:creator>moi</dc:creator>"),
]).encode()  # fmt: skip
ATOM_SEED = atom([
    atom_entry("&lt;b&gt;t&lt;/b&gt;", id="urn:1", link="rel/1", title_type="html",
               content="&lt;img src=x onerror=alert(1)&gt;&#27;[2J"),
], attrs='xml:base="https://b.example/"').encode()  # fmt: skip
JSON_SEED = json_feed([
    {"id": "1", "title": "j\u001b[1m", "content_html": "<p>\u009b2J</p>",
     "url": "data:text/html,x", "authors": [{"name": "\u202eevil"}]},
])  # fmt: skip
SEEDS = [RSS_SEED, ATOM_SEED, JSON_SEED]


def check_parsed(body: bytes, content_type: str = "") -> None:
    try:
        feed = parse_feed(
            body,
            url="https://fuzz.example/feed",
            content_type=content_type,
            fetched_at="2026-11-28T12:00:00+00:00",
        )
    except ParseError as error:
        assert "\n" not in str(error) and not FORBIDDEN.search(str(error))
        return
    assert not FORBIDDEN.search(feed.title)
    check_link(feed.link)
    for entry in feed.entries:
        assert isinstance(entry, ParsedEntry)
        for value in (entry.title, entry.author, entry.summary, entry.body, entry.guid):
            assert not FORBIDDEN.search(value), repr(value[:200])
        assert "\n" not in entry.title and "\n" not in entry.author
        check_link(entry.link)
        for target in MARKDOWN_TARGET.findall(entry.summary + entry.body):
            assert not target.lower().startswith(("javascript:", "data:", "file:", "vbscript:"))
        datetime.fromisoformat(entry.published)


@FAST
@given(
    st.binary(max_size=4096),
    st.sampled_from(["", "application/rss+xml", "application/json", "text/html"]),
)
def test_parse_random_bytes(body: bytes, content_type: str) -> None:
    check_parsed(body, content_type)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["insert", "delete", "replace", "truncate", "duplicate"]))
        if op == "insert":
            chunk = draw(
                st.one_of(
                    st.binary(min_size=1, max_size=16),
                    st.sampled_from(
                        [
                            b"<",
                            b">",
                            b"&",
                            b"]]>",
                            b"<![CDATA[",
                            b"\x1b[",
                            b"\x1b]8;;",
                            b"\x9b",
                            b"\xc2\x9d",
                            b"&#27;",
                            b"&#x9b;",
                            b"</item>",
                            b"<item>",
                            b'"',
                            b"\x00",
                            b"\xef\xbb\xbf",
                            b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
                            b"&a;",
                        ]
                    ),
                )
            )
            data[at:at] = chunk
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 32))]
        elif op == "replace":
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 64))]
    return bytes(data)


@FAST
@given(mutated())
def test_parse_mutated_feeds(body: bytes) -> None:
    check_parsed(body)


@FAST
@given(st.text(max_size=300), st.text(max_size=300))
def test_parse_any_text_in_any_field(title: str, description: str) -> None:
    """Unescaped text straight into the XML: whatever it does to the document, nothing leaks."""
    check_parsed(
        rss([rss_item(title, guid="g", desc=description, link=title)]).encode(
            "utf-8", "surrogatepass"
        )
    )
    check_parsed(
        json_feed([{"id": title, "title": title, "content_html": description, "url": description}])
    )


@FAST
@given(st.text(max_size=200))
def test_search_language_never_raises(text: str) -> None:
    query = parse_search(text, now=datetime(2026, 11, 28, tzinfo=UTC))
    assert isinstance(query, ArticleQuery)
    if query.text is not None:
        fts_match_expression(query.text)


@pytest.fixture(scope="module")
def search_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store.open(tmp_path_factory.mktemp("fuzz") / "db.sqlite3")
    feed = FeedConfig(name="Fuzz 100%_feed", url="https://fuzz.example/feed", tags=("a_b", "100%"))
    store.sync_feeds([feed])
    entries = [
        ParsedEntry(f"g{n}", title, "", "", "2026-11-24T08:00:00+00:00", title, "")
        for n, title in enumerate(
            [
                "l’été à Paris",
                "100% _done_",
                "'; DROP TABLE x; --",
                "NEAR(a b)",
                "日本語",
                '"quoted" text',
                "a*b^c",
            ]
        )
    ]
    store.upsert_entries(feed.url, entries, now="2026-11-24T08:00:00+00:00")
    yield store
    store.close()


SEARCH_ALPHABET = st.one_of(
    st.characters(),
    st.sampled_from([*"%_\\'\"*^:()[]{}-+=@ ", "NEAR", "AND", "OR", "NOT", "is:unread", "@7d"]),
)


@FAST
@given(st.lists(SEARCH_ALPHABET, max_size=30).map("".join))
def test_store_search_never_raises(search_store: Store, text: str) -> None:
    query = parse_search(text, now=datetime(2026, 11, 28, tzinfo=UTC))
    search_store.headlines(query, limit=20)
    search_store.count(query)


@FAST
@given(st.text(max_size=400))
def test_config_problems_never_raise(text: str) -> None:
    problems = problems_for_text(text, "fuzz.toml")
    for problem in problems:
        line = str(problem)
        assert line.startswith("fuzz.toml:") and "\n" not in line


TOML_PIECES = st.sampled_from(
    [
        "[settings]\n",
        "[[feeds]]\n",
        "[keys]\n",
        "[feeds]\n",
        "timeout = 0\n",
        "timeout = 1e400\n",
        "timeout = nan\n",
        "concurrency = 65\n",
        "concurrency = true\n",
        'theme = ""\n',
        'name = "x"\n',
        'url = "file:///etc/passwd"\n',
        'url = "https://a.example/"\n',
        'url = "https://a.example"\n',
        'tags = ["", "\\u001b"]\n',
        'name = "\\u001b[2J"\n',
        "tags = 3\n",
        'bookmark = "b"\n',
        'quit = "b"\n',
        'nope = "x"\n',
        "keep_days = -1\n",
        'full_articles = "sometimes"\n',
        "settings = 1\n",
        "feeds = []\n",
        "= x\n",
        '"\n',
        "max_feed_bytes = 1_000_000_000_000\n",
        "refresh_interval = 1.5\n",
        "a.b.c = 1\n",
    ]
)


@FAST
@given(st.lists(TOML_PIECES, max_size=20).map("".join))
def test_config_problems_never_raise_on_config_like_text(text: str) -> None:
    problems = problems_for_text(text, "fuzz.toml")
    for problem in problems:
        assert problem.line >= 1 and "\n" not in str(problem)


NAME = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20).filter(
    str.strip
)


@st.composite
def valid_configs(draw: st.DrawFn) -> tuple[str, Settings, tuple[FeedConfig, ...]]:
    values = {
        "refresh_interval": draw(st.integers(0, 10080)),
        "concurrency": draw(st.integers(1, 64)),
        "timeout": draw(st.floats(0.001, 300, allow_nan=False)),
        "max_feed_bytes": draw(st.integers(1000, 1_000_000_000)),
        "full_articles": draw(st.sampled_from(["auto", "always", "never"])),
        "keep_days": draw(st.integers(0, 36500)),
    }
    lines = ["[settings]"] + [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    feeds = []
    for index in range(draw(st.integers(0, 5))):
        name = f"{draw(NAME).strip()} {index}"
        url = f"https://h{index}.example/{draw(st.sampled_from(['', 'feed', 'rss.xml?x=1']))}"
        tags = draw(st.lists(NAME, max_size=4))
        full = draw(st.sampled_from([None, "auto", "always", "never"]))
        lines += [
            "",
            "[[feeds]]",
            f"name = {json.dumps(name, ensure_ascii=False)}",
            f"url = {json.dumps(url)}",
            f"tags = {json.dumps(tags, ensure_ascii=False)}",
        ]
        if full is not None:
            lines.append(f"full_articles = {json.dumps(full)}")
        unique_tags = tuple(dict.fromkeys(tag.strip() for tag in tags))
        feeds.append(FeedConfig(name=name, url=url, tags=unique_tags, full_articles=full))  # type: ignore[arg-type]
    return "\n".join(lines) + "\n", Settings(**values), tuple(feeds)  # type: ignore[arg-type]


@FAST
@given(valid_configs())
def test_valid_configs_round_trip(generated: tuple[str, Settings, tuple[FeedConfig, ...]]) -> None:
    text, expected_settings, expected_feeds = generated
    assert problems_for_text(text) == []
    config = config_from_text(text, "generated.toml", Path("generated.toml"))
    assert config.settings == expected_settings
    assert config.feeds == expected_feeds
