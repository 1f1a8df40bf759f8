"""Family 2: XML attacks. Nothing expands, nothing is fetched, nothing crashes.

Every external reference points at a probe URL on the raw server: it must never be hit.
"""

from __future__ import annotations

from tests.hostile.documents import XML_DECL, rss, rss_item, xml_escape
from tests.hostile.harness import (
    Case,
    FamilyChecks,
    FamilyRun,
    Urls,
    family_fixture,
)
from tui_reader.models import Article

BILLION_LAUGHS = (
    XML_DECL
    + '<!DOCTYPE rss [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
    + rss([rss_item("laughs &lol9;", guid="bl-1", desc="&lol9;")], decl="")
)

QUADRATIC = (
    XML_DECL
    + f'<!DOCTYPE rss [<!ENTITY big "{"A" * 100_000}">]>'
    + rss([rss_item("quadratic " + "&big;" * 20_000, guid="q-1")], decl="")
)


def external(urls: Urls) -> bytes:
    return (
        XML_DECL + f'<!DOCTYPE rss [<!ENTITY file SYSTEM "file:///etc/passwd">'
        f'<!ENTITY net SYSTEM "{urls.probe("entity")}">'
        f'<!ENTITY % param SYSTEM "{urls.probe("param")}"> %param;]>'
        + rss([rss_item("xxe &file; &net;", guid="x-1", desc="&file;")], decl="")
    ).encode()


def external_dtd(urls: Urls) -> bytes:
    return (
        XML_DECL
        + f'<!DOCTYPE rss SYSTEM "{urls.probe("dtd")}">'
        + f'<?xml-stylesheet type="text/xsl" href="{urls.probe("xsl")}"?>'
        + rss([rss_item("external dtd", guid="d-1")], decl="")
    ).encode()


def xinclude(urls: Urls) -> bytes:
    include = (
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" '
        'parse="text"/>'
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{urls.probe("xinclude")}"/>'
    )
    return rss([rss_item("xinclude", guid="xi-1", desc="see", extra=include)]).encode()


def deep_xml(depth: int) -> bytes:
    nest = "<x>" * depth + "deep" + "</x>" * depth
    return rss(
        [rss_item("deep xml", guid="dx-1", extra=nest), rss_item("after", guid="dx-2")]
    ).encode()


def deep_html(depth: int) -> bytes:
    html = "<div><blockquote><ul><li>" * depth + "deep" + "</li></ul></blockquote></div>" * depth
    return rss([rss_item("deep html", guid="dh-1", desc=xml_escape(html))]).encode()


def deep_json(depth: int) -> bytes:
    return (
        b'{"version": "https://jsonfeed.org/version/1.1", "items": ['
        + b"[" * depth
        + b"]" * depth
        + b"]}"
    )


GOOD = rss([rss_item(f"Item {n}", guid=f"t-{n}", desc=f"text {n}") for n in range(5)]).encode()


def never_hit(*names: str):
    def check(articles: list[Article], run: FamilyRun) -> None:
        for name in names:
            assert run.raw.hits[f"/probe/{name}"] == 0, name
        for article in articles:
            for value in (article.title, article.summary, article.body):
                assert "root:" not in value, value[:200]

    return check


def small_fields(limit: int):
    def check(articles: list[Article], run: FamilyRun) -> None:
        for article in articles:
            for value in (article.title, article.summary, article.body):
                assert len(value) <= limit, len(value)

    return check


def titles(*expected: str):
    def check(articles: list[Article], run: FamilyRun) -> None:
        assert sorted(a.title for a in articles) == sorted(expected)

    return check


CASES = [
    Case("xml-billion-laughs", body=BILLION_LAUGHS.encode(), items=1, check=small_fields(1_000)),
    Case("xml-quadratic-blowup", body=QUADRATIC.encode(), items=1, check=small_fields(1_000)),
    Case("xml-external-entities", body=external, items=1, check=never_hit("entity", "param")),
    Case("xml-external-dtd", body=external_dtd, items=1, check=never_hit("dtd", "xsl")),
    Case("xml-xinclude", body=xinclude, items=1, check=never_hit("xinclude")),
    Case("xml-deep-nesting", body=deep_xml(50_000), items=2),
    Case("xml-deep-html", body=deep_html(20_000), items=1),
    Case(
        "json-deep-nesting", "error", body=deep_json(200_000), content_type="application/feed+json"
    ),
    Case(
        "xml-truncated-mid-item",
        body=GOOD[: GOOD.index(b"<item><title>Item 3")] + b"<item><title>Ite",
        check=titles("Item 0", "Item 1", "Item 2"),
    ),
    Case("xml-truncated-in-prolog", "error", body=GOOD[:60]),
    Case(
        "xml-truncated-in-doctype",
        "error",
        body=b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "',
    ),
    Case("xml-garbage-bytes", "error", body=bytes(range(256)) * 64),
    Case("xml-nul-bytes", "error", body=b"\x00" * 10_000),
    Case("xml-png", "error", body=b"\x89PNG\r\n\x1a\n" + bytes(2000), content_type="image/png"),
    Case("xml-mismatched-tags", body=GOOD.replace(b"</title>", b"</titel>", 1)),
    Case(
        "xml-unclosed-cdata",
        body=GOOD.replace(b"<description>text 2", b"<description><![CDATA[text 2", 1),
    ),
    Case(
        "xml-comment-bomb",
        body=GOOD.replace(b"<channel>", b"<channel><!--" + b"-" * 1_000_000 + b"-->", 1),
        items=5,
    ),
    Case(
        "xml-processing-instructions",
        body=GOOD.replace(b"<channel>", b"<channel>" + b"<?php system('id') ?>" * 1000, 1),
        items=5,
    ),
]


family = family_fixture(CASES, "xml")


class TestFamily(FamilyChecks):
    """Refresh, every case, the database and the commands (harness.FamilyChecks)."""


def test_no_probe_was_ever_requested(family: FamilyRun) -> None:
    assert not [path for path in family.raw.hits if path.startswith("/probe/")]
