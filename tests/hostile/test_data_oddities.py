"""Family 4: data oddities: dates, titles, GUIDs, links, sizes, scripts, SQL metacharacters.

The 20,000-item and 30 MB feeds live in test_bounds.py, where memory is measured.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.hostile.documents import json_feed, rss, rss_item, xml_escape
from tests.hostile.harness import (
    Case,
    FamilyChecks,
    FamilyRun,
    cli,
    family_fixture,
    servers,
    write_config,
)
from tui_reader.models import Article

STARTED = datetime.now(UTC)

DATES = {
    "missing": "",
    "invalid": "not a date at all",
    "impossible": "Tue, 31 Feb 2026 25:61:00 +0000",
    "french-abbrev": "jeu., 26 nov. 2026 10:00:00 +0100",
    "french-long": "26 novembre 2026 à 10h00",
    "french-first": "1er décembre 2025 08:30",
    "future": "Fri, 31 Dec 2099 23:59:59 +0000",
    "far-past": "Thu, 01 Jan 1970 00:00:00 +0000",
    "tz-plus14": "Tue, 24 Nov 2026 08:00:00 +1400",
    "tz-minus12": "Tue, 24 Nov 2026 08:00:00 -1200",
    "tz-named": "Tue, 24 Nov 2026 08:00:00 EST",
    "iso-z": "2026-11-24T08:00:00Z",
    "iso-naive": "2026-11-24T08:00:00",
    "iso-offset": "2026-11-24T08:00:00+05:30",
    "year-zero": "0000-00-00T00:00:00Z",
    "huge-year": "Tue, 24 Nov 99999 08:00:00 +0000",
}
EXPECTED_DATES = {
    "french-abbrev": "2026-11-26T09:00:00+00:00",
    "french-long": "2026-11-26T10:00:00+00:00",
    "french-first": "2025-12-01T08:30:00+00:00",
    "far-past": "1970-01-01T00:00:00+00:00",
    "tz-plus14": "2026-11-23T18:00:00+00:00",
    "tz-minus12": "2026-11-24T20:00:00+00:00",
    "tz-named": "2026-11-24T13:00:00+00:00",
    "iso-z": "2026-11-24T08:00:00+00:00",
    "iso-naive": "2026-11-24T08:00:00+00:00",
    "iso-offset": "2026-11-24T02:30:00+00:00",
}
NOW_LIKE = {"missing", "invalid", "impossible", "future", "year-zero", "huge-year"}


def check_dates(articles: list[Article], run: FamilyRun) -> None:
    by_title = {a.title: a.published for a in articles}
    assert len(by_title) == len(DATES)
    for label, expected in EXPECTED_DATES.items():
        assert by_title[f"date {label}"] == expected, (label, by_title[f"date {label}"])
    for label in NOW_LIKE:
        moment = datetime.fromisoformat(by_title[f"date {label}"])
        assert STARTED - timedelta(minutes=5) <= moment <= datetime.now(UTC) + timedelta(days=1), (
            label,
            moment,
        )


def titles_doc() -> bytes:
    items = [
        rss_item(
            "",
            guid="t-1",
            desc="&lt;p&gt;Only a description, long enough to make a title "
            "out of it and then some more words that go past eighty characters.&lt;/p&gt;",
        ),
        rss_item("", link="https://odd.example/only-link", pub=""),
        rss_item("", guid="t-3", desc=""),
        rss_item("   ", guid="t-4", desc="spaces title"),
        rss_item("&lt;b&gt;&lt;/b&gt;", guid="t-5"),
    ]
    return rss(items).encode()


def check_titles(articles: list[Article], run: FamilyRun) -> None:
    assert len(articles) == 5
    titles = {a.title for a in articles}
    assert any(t.startswith("Only a description") and t.endswith("…") for t in titles), titles
    assert all(t.strip() for t in titles)


def guids_doc() -> bytes:
    items = [
        rss_item("dup first", guid="same"),
        rss_item("dup second", guid="same"),
        rss_item("no guid same link A", link="https://odd.example/a", guid=None),
        rss_item("no guid same link B", link="https://odd.example/a", guid=None),
        rss_item("no guid no link 1", guid=None, desc="one"),
        rss_item("no guid no link 2", guid=None, desc="two"),
        rss_item("empty guid", guid="", link="https://odd.example/e"),
        rss_item("numeric", guid="12345"),
        rss_item("long guid", guid="g" * 5000),
    ]
    return rss(items).encode()


def check_guids(articles: list[Article], run: FamilyRun) -> None:
    titles = sorted(a.title for a in articles)
    assert "dup first" in titles and "dup second" not in titles
    assert sum(t.startswith("no guid same link") for t in titles) == 1
    assert {"no guid no link 1", "no guid no link 2", "empty guid", "numeric", "long guid"} <= set(
        titles
    )


# A link as the feed wrote it → the link stored (resolved against the feed's link)…
RESOLVED = {
    "/post/1": "https://rel.example/post/1",
    "post/2": "https://rel.example/blog/post/2",
    "../up": "https://rel.example/up",
    "//cdn.example/x": "https://cdn.example/x",
    "?q=1": "https://rel.example/blog/?q=1",
    "https://abs.example/y": "https://abs.example/y",
    "HTTPS://UPPER.example/z": "HTTPS://UPPER.example/z",
}
# …and links that are not http(s), or malformed: stored as "".
REFUSED = (
    "http://", "https://host\\evil.example/", "ftp://files.example/x", "mailto:a@b.example",
    "javascript:alert(1)", "data:text/html,x", "file:///etc/passwd",
)  # fmt: skip
RELATIVE = {**RESOLVED, **dict.fromkeys(REFUSED, "")}


def links_doc() -> bytes:
    items = [
        rss_item(f"link {n}", link=xml_escape(link), guid=f"l-{n}")
        for n, link in enumerate(RELATIVE)
    ]
    return rss(items, link="https://rel.example/blog/").encode()


def check_relative(articles: list[Article], run: FamilyRun) -> None:
    by_title = {a.title: a.link for a in articles}
    for n, expected in enumerate(RELATIVE.values()):
        assert by_title[f"link {n}"] == expected, (n, by_title[f"link {n}"], expected)


def huge_fields() -> bytes:
    big = "Titre énorme " * 16_000  # 200 kB
    items = [
        rss_item(
            big,
            guid="h-1",
            desc=xml_escape("<p>" + "paragraphe " * 200_000 + "</p>"),
            extra=f"<dc:creator>{big}</dc:creator>",
        ),
        rss_item("x" * 200_000, guid="h-2"),
        rss_item("normal", guid="g" * 200_000, link="https://odd.example/" + "p" * 200_000),
    ]
    return rss(items).encode()


def check_huge(articles: list[Article], run: FamilyRun) -> None:
    assert len(articles) == 3
    for article in articles:
        assert len(article.title) <= 1_000 and len(article.author) <= 1_000
        assert len(article.link) <= 16_384


SCRIPTS = {
    "emoji": "👩‍👩‍👧‍👦 🇫🇷 🏳️‍🌈 👍🏽 ❤️",
    "cjk": "日本語のニュース 中文新闻 한국어 뉴스",
    "rtl": "עברית ועוד العربية والمزيد",
    "zero-width": "zero\u200bwidth\u200cjoin\u200dhere\u2060\ufeff",
    "combining": "e\u0301te\u0301 Z\u0336a\u0337l\u0338g\u0335o",
    "math": "𝕳𝖊𝖑𝖑𝖔 ∑∫√",
}


def scripts_doc() -> bytes:
    items = [
        rss_item(text, guid=f"s-{label}", desc=text, extra=f"<dc:creator>{text}</dc:creator>")
        for label, text in SCRIPTS.items()
    ]
    return rss(items).encode()


def check_scripts(articles: list[Article], run: FamilyRun) -> None:
    titles = {a.title for a in articles}
    for label, text in SCRIPTS.items():
        expected = text.replace("\ufeff", "") if label == "zero-width" else text
        assert expected in titles or text in titles, (label, titles)


SQL = [
    "'; DROP TABLE articles; --",
    "100% _done_ \\ %%",
    'O\'Brien "quoted" `tick`',
    "' OR 1=1 --",
    "a%b_c\\d[e]f^g",
    "NEAR(x y) AND OR NOT *",
    "title:hack col:x",
    '" unterminated',
]


def sql_doc() -> bytes:
    items = [
        rss_item(
            xml_escape(text),
            guid=xml_escape(f"sql {text}"),
            desc=xml_escape(text),
            link=xml_escape(
                f"https://sql.example/?q={text}".replace(" ", "%20").replace('"', "%22")
            ),
            extra=f"<dc:creator>{xml_escape(text)}</dc:creator>",
        )
        for text in SQL
    ]
    return rss(items, title=xml_escape(SQL[0])).encode()


def check_sql(articles: list[Article], run: FamilyRun) -> None:
    assert sorted(a.title for a in articles) == sorted(" ".join(text.split()) for text in SQL)
    assert sorted(a.author for a in articles) == sorted(" ".join(text.split()) for text in SQL)


def json_oddities() -> bytes:
    items = [
        {"id": 42, "title": "numeric id"},
        {"id": None, "url": "https://odd.example/j1", "title": None, "content_text": "null title"},
        {"id": ["list"], "title": 123, "content_html": {"not": "text"}, "summary": "odd types"},
        {"title": "no id", "date_published": "yesterday"},
        "not an object",
        None,
        {"id": "tags", "title": "tags", "tags": [None, 1, {"x": 1}], "authors": "nobody"},
    ]
    return json_feed(items, title=None, home_page_url=12)


CASES = [
    Case(
        "odd-dates",
        body=rss(
            [
                rss_item(f"date {label}", guid=f"d-{label}", pub=value)
                for label, value in DATES.items()
            ]
        ).encode(),
        check=check_dates,
    ),
    Case("odd-missing-titles", body=titles_doc(), check=check_titles),
    Case("odd-guids", body=guids_doc(), check=check_guids),
    Case("odd-relative-links", body=links_doc(), check=check_relative),
    Case("odd-huge-fields", body=huge_fields(), check=check_huge),
    Case("odd-scripts", body=scripts_doc(), check=check_scripts, items=len(SCRIPTS)),
    Case("odd-sql-metacharacters", body=sql_doc(), check=check_sql, items=len(SQL)),
    Case("odd-json-types", body=json_oddities(), content_type="application/feed+json"),
    Case("odd-empty-channel", body=rss([]).encode(), items=0),
]


family = family_fixture(CASES, "oddities")


class TestFamily(FamilyChecks):
    """Refresh, every case, the database and the commands (harness.FamilyChecks)."""


@pytest.mark.parametrize("text", SQL)
def test_sql_metacharacters_search_finds_only_their_item(family: FamilyRun, text: str) -> None:
    found = json.loads(family.cli("headlines", "--json", "--search", text).out)
    titles = {item["title"] for item in found}
    assert " ".join(text.split()) in titles or not any(ch.isalnum() for ch in text)


def test_like_wildcards_are_not_wildcards(family: FamilyRun) -> None:
    """ "a%b_c" finds the item that holds those words, not every "a…b…c"."""
    found = json.loads(family.cli("headlines", "--json", "--search", "a%b_c").out)
    assert found and all("a%b_c" in item["title"] for item in found)


def test_feed_filter_with_like_metacharacters(family: FamilyRun) -> None:
    for search in ("=%", "=_", "=odd_sql", "+100%_tag", "-100%"):
        # `--search=` so that argparse does not take "-100%" for an option.
        result = family.cli("headlines", "--json", f"--search={search}")
        assert result.code == 0, result.err
    assert json.loads(family.cli("headlines", "--json", "--search", "=%").out) == []
    tagged = json.loads(
        family.cli("headlines", "--json", "--search", "+100%_tag", "--limit", "9999").out
    )
    assert (
        len(tagged)
        == json.loads(family.cli("headlines", "--json", "--limit", "9999").out).__len__()
    )
    assert json.loads(family.cli("headlines", "--json", "--tag", "100%_TAG", "--limit", "1").out)


# --- the same GUIDs across refreshes ------------------------------------------------------


def test_items_updated_in_place_keep_bookmark_and_read_state(tmp_path: Path) -> None:
    """A feed that edits its items (same GUIDs) updates them; ids, bookmarks and reads stay."""
    first = rss([rss_item(f"v1 item {n}", guid=f"keep-{n}", desc=f"first {n}") for n in range(4)])
    second = rss(
        [
            rss_item(
                f"v2 item {n}",
                guid=f"keep-{n}",
                desc=f"second {n}",
                pub="Wed, 25 Nov 2026 08:00:00 +0000",
            )
            for n in range(4)
        ]
        + [rss_item("v2 brand new", guid="keep-new")]
    )
    third = rss([rss_item("v3 only new", guid="keep-later")])  # the old items left the feed
    with servers(extra_hosts=0) as (http, _raw):
        version = {"body": first}

        def respond(request):
            from werkzeug import Response

            return Response(version["body"].encode(), content_type="application/rss+xml")

        http.expect_request("/moving").respond_with_handler(respond)
        config = write_config(
            tmp_path / "config.toml", [("moving", f"http://127.0.0.1:{http.port}/moving")]
        )
        data = tmp_path / "data"
        assert json.loads(cli(config, data, "refresh", "--json").out)["new_items"] == 4
        items = {i["title"]: i for i in json.loads(cli(config, data, "headlines", "--json").out)}
        bookmarked, read = items["v1 item 1"]["id"], items["v1 item 2"]["id"]
        assert cli(config, data, "bookmark", str(bookmarked)).code == 0
        assert cli(config, data, "mark-read", str(read)).code == 0

        version["body"] = second
        assert json.loads(cli(config, data, "refresh", "--json").out)["new_items"] == 1
        items = {i["id"]: i for i in json.loads(cli(config, data, "headlines", "--json").out)}
        assert len(items) == 5
        assert items[bookmarked]["title"] == "v2 item 1" and items[bookmarked]["bookmarked"]
        assert items[read]["title"] == "v2 item 2" and items[read]["read"]
        assert sum(i["bookmarked"] for i in items.values()) == 1
        assert sum(i["read"] for i in items.values()) == 1
        shown = cli(config, data, "show", str(bookmarked))
        assert "second 1" in shown.out

        version["body"] = third
        assert cli(config, data, "refresh", "--json").code == 0
        after = {i["id"]: i for i in json.loads(cli(config, data, "headlines", "--json").out)}
        assert after[bookmarked]["bookmarked"] and after[read]["read"]
        marks = json.loads(cli(config, data, "bookmarks", "--json").out)
        assert [m["id"] for m in marks] == [bookmarked]
