"""Family 3: encodings and formats. French text must come out right whatever the bytes."""

from __future__ import annotations

import codecs

from tests.hostile.documents import atom, atom_entry, json_feed, rss, rss_item
from tests.hostile.harness import (
    Case,
    FamilyChecks,
    FamilyRun,
    family_fixture,
)
from tui_reader.models import Article

FRENCH = "L’été à Noël : 5 € « œuvre » — déjà"


def french_rss(encoding: str, *, decl: str | None = None) -> str:
    decl = decl if decl is not None else f'<?xml version="1.0" encoding="{encoding}"?>'
    return rss(
        [rss_item(FRENCH, guid="fr-1", desc=f"<p>{FRENCH}</p>".replace("<", "&lt;"))], decl=decl
    )


def exact_title(expected: str = FRENCH, count: int = 1):
    def check(articles: list[Article], run: FamilyRun) -> None:
        assert len(articles) == count
        assert articles[0].title == expected, articles[0].title

    return check


def link_is(expected: str):
    def check(articles: list[Article], run: FamilyRun) -> None:
        assert [a.link for a in articles] == [expected]

    return check


ENTITIES = "&eacute;t&eacute; &nbsp;&rsquo;&hellip;&euro;&oelig;&laquo;&raquo;&copy;&mdash;&nosuch;"
RSS_091 = (
    '<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>'
    "<link>https://old.example/</link><description>d</description><language>fr</language>"
    "<item><title>Ancien</title><link>https://old.example/1</link><description>x</description></item>"
    "</channel></rss>"
)
RSS_092 = RSS_091.replace('"0.91"', '"0.92"').replace("Ancien", "Ancien 92")
RDF = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
    '<channel rdf:about="https://rdf.example/"><title>RDF</title><link>https://rdf.example/</link>'
    '<items><rdf:Seq><rdf:li rdf:resource="https://rdf.example/1"/></rdf:Seq></items></channel>'
    '<item rdf:about="https://rdf.example/1"><title>Élément RDF</title><link>https://rdf.example/1</link>'
    "<dc:date>2026-11-24T08:00:00+01:00</dc:date><dc:creator>Zoé</dc:creator></item></rdf:RDF>"
)
ATOM_BASE = atom(
    [
        atom_entry(
            "Relatif",
            id="urn:b:1",
            link="articles/1",
            content="&lt;a href=&quot;img/x&quot;&gt;lien&lt;/a&gt;",
            extra='<link rel="enclosure" href="../audio.mp3"/>',
        ),
    ],
    attrs='xml:base="https://base.example/blog/"',
)
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Not a feed</title></head><body>"
    '<link rel="alternate" type="application/rss+xml" href="/feed"><p>Hello</p></body></html>'
)


def check_atom_base(articles: list[Article], run: FamilyRun) -> None:
    (article,) = articles
    assert article.link == "https://base.example/blog/articles/1"
    assert "https://base.example/blog/img/x" in article.body + article.summary


CASES = [
    # Unicode encodings, with or without a byte order mark: (name, BOM, declared, bytes in).
    *(
        Case(name, body=bom + french_rss(declared).encode(codec), check=exact_title())
        for name, bom, declared, codec in [
            ("enc-utf8-bom", codecs.BOM_UTF8, "utf-8", "utf-8"),
            ("enc-utf16-le-bom", codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
            ("enc-utf16-be-bom", codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
            ("enc-utf16-no-bom", b"", "utf-16", "utf-16-le"),
            ("enc-utf32-bom", codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
        ]
    ),
    Case(
        "enc-latin1-declared",
        body=french_rss("iso-8859-1")
        .replace("€", "EUR")
        .replace("’", "'")
        .replace("œ", "oe")
        .replace("—", "-")
        .encode("latin-1"),
        check=exact_title(
            FRENCH.replace("€", "EUR").replace("’", "'").replace("œ", "oe").replace("—", "-")
        ),
    ),
    Case(
        "enc-latin1-means-cp1252",
        body=french_rss("ISO-8859-1").encode("cp1252"),
        check=exact_title(),
    ),
    Case(
        "enc-cp1252-declared-utf8", body=french_rss("utf-8").encode("cp1252"), check=exact_title()
    ),
    Case(
        "enc-cp1252-undeclared", body=french_rss("", decl="").encode("cp1252"), check=exact_title()
    ),
    Case(
        "enc-mixed-utf8-cp1252",
        body=french_rss("utf-8").encode("utf-8").replace(b"L\xe2\x80\x99", b"L\x92"),
        check=exact_title(),
    ),
    Case(
        "enc-charset-header-only",
        body=french_rss("", decl="").encode("cp1252"),
        content_type="application/rss+xml; charset=windows-1252",
        check=exact_title(),
    ),
    Case(
        "enc-header-contradicts-decl",
        body=french_rss("windows-1252").encode("cp1252"),
        content_type="text/xml; charset=utf-8",
        check=exact_title(),
    ),
    Case("enc-unknown-charset", body=french_rss("x-klingon").encode("utf-8"), check=exact_title()),
    Case(
        "enc-html-entities",
        body=rss([rss_item(ENTITIES, guid="e-1", desc=ENTITIES)]).encode(),
        check=exact_title("été ’…€œ«»©—&nosuch;"),
    ),
    Case("fmt-rss-091", body=RSS_091.encode(), items=1, check=link_is("https://old.example/1")),
    Case("fmt-rss-092", body=RSS_092.encode(), items=1),
    Case("fmt-rss-10-rdf", body=RDF.encode(), items=1, check=exact_title("Élément RDF")),
    Case(
        "fmt-atom-xml-base",
        body=ATOM_BASE.encode(),
        content_type="application/atom+xml",
        check=check_atom_base,
    ),
    Case(
        "fmt-json-feed-10",
        body=json_feed(
            [{"id": "1", "title": FRENCH, "content_text": "x", "author": {"name": "Zoé"}}],
            version="1",
        ),
        content_type="application/json",
        check=exact_title(),
    ),
    Case(
        "fmt-json-feed-11",
        body=json_feed(
            [{"id": "1", "title": FRENCH, "content_html": "<p>x</p>", "authors": [{"name": "Zoé"}]}]
        ),
        content_type="application/feed+json",
        check=exact_title(),
    ),
    # RSS served with a wrong content type is still read as RSS.
    *(
        Case(name, body=french_rss("utf-8").encode(), content_type=kind, check=exact_title())
        for name, kind in [
            ("fmt-rss-as-text-html", "text/html"),
            ("fmt-rss-as-octet-stream", "application/octet-stream"),
            ("fmt-rss-as-json", "application/json"),
        ]
    ),
    Case(
        "fmt-json-as-text-plain",
        body=json_feed([{"id": "1", "title": FRENCH}]),
        content_type="text/plain",
        check=exact_title(),
    ),
    Case(
        "fmt-no-content-type",
        body=french_rss("utf-8").encode(),
        content_type="",
        check=exact_title(),
    ),
    Case(
        "fmt-html-page",
        "error",
        body=HTML_PAGE.encode(),
        content_type="text/html",
        error_has=("html",),
    ),
    Case("fmt-empty-body", "error", body=b"", error_has=("empty",)),
    Case("fmt-whitespace-body", "error", body=b" \r\n\t" * 100, error_has=("empty",)),
    Case("fmt-bom-only", "error", body=codecs.BOM_UTF8),
    Case(
        "fmt-json-not-a-feed", "error", body=b'{"hello": "world"}', content_type="application/json"
    ),
    Case("fmt-json-array", "error", body=b"[1, 2, 3]", content_type="application/json"),
    Case(
        "fmt-plain-text", "error", body=b"Just some text, no feed here.", content_type="text/plain"
    ),
    Case(
        "fmt-opml-not-a-feed",
        "error",
        body=b'<?xml version="1.0"?><opml version="2.0"><body/></opml>',
    ),
]


family = family_fixture(CASES, "encodings")


class TestFamily(FamilyChecks):
    """Refresh, every case, the database and the commands (harness.FamilyChecks)."""


def test_accents_are_searchable(family: FamilyRun) -> None:
    import json

    found = json.loads(family.cli("headlines", "--json", "--search", "deja ete").out)
    assert len(found) >= 10
