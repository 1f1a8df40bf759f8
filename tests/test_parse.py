"""parse_feed: formats, hostile documents, encodings, dates, and the entry mapping."""

from __future__ import annotations

import json
import pickle
import re
import time

import pytest

from tui_reader.models import ParsedEntry, ParsedFeed
from tui_reader.parse import ParseError, parse_feed

URL = "https://example.fr/feed/"
FETCHED = "2026-11-28T12:00:00+00:00"
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def parse(body: bytes | str, **kwargs: str) -> ParsedFeed:
    if isinstance(body, str):
        body = body.encode("utf-8")
    kwargs.setdefault("fetched_at", FETCHED)
    return parse_feed(body, url=kwargs.pop("url", URL), **kwargs)


def rss(items: str, channel: str = "<title>Feed</title><link>https://example.fr/</link>") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel>{channel}{items}</channel></rss>"
    )


def item(title: str = "Titre", guid: str = "g1", extra: str = "") -> str:
    return f"<item><title>{title}</title><guid>{guid}</guid>{extra}</item>"


def fields_of(entry: ParsedEntry, expected: dict[str, str]) -> dict[str, str]:
    """The entry's fields named in `expected`, to compare with it all at once."""
    return {name: getattr(entry, name) for name in expected}


def all_text(feed: ParsedFeed) -> str:
    parts = [feed.title, feed.link]
    for e in feed.entries:
        parts += [e.guid, e.title, e.link, e.author, e.published, e.summary, e.body]
    return "\n".join(parts)


# ---------------------------------------------------------------- formats


def test_rss_091() -> None:
    doc = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        ' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        '<rss version="0.91"><channel><title>Old</title><link>http://old.example/</link>'
        "<item><title>Caf&eacute;&nbsp;l&rsquo;été</title><link>http://old.example/1</link>"
        "<description>Desc</description></item></channel></rss>"
    )
    feed = parse(doc)
    assert feed.title == "Old"
    (entry,) = feed.entries
    assert entry.title == "Café\u00a0l’été".replace("\u00a0", " ")
    assert entry.link == "http://old.example/1"
    assert entry.guid == "http://old.example/1"
    assert entry.summary == "Desc"


def test_rss_10_rdf() -> None:
    doc = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel rdf:about="https://rdf.example/"><title>RDF</title><link>https://rdf.example/</link></channel>
 <item rdf:about="https://rdf.example/1"><title>Un</title><link>https://rdf.example/1</link>
  <description>Premier</description><dc:date>2026-11-01T10:00:00+01:00</dc:date>
  <dc:creator>Alice</dc:creator></item>
</rdf:RDF>"""
    feed = parse(doc)
    assert feed.title == "RDF"
    (entry,) = feed.entries
    assert (entry.title, entry.link, entry.author) == ("Un", "https://rdf.example/1", "Alice")
    assert entry.published == "2026-11-01T09:00:00+00:00"


def test_rss_20_full_mapping() -> None:
    doc = rss(
        item(
            "Première &amp; seconde",
            "https://example.fr/a/1",
            "<link>https://example.fr/a/1</link><dc:creator>Bob</dc:creator>"
            "<pubDate>Sat, 28 Nov 2026 10:00:00 +0100</pubDate>"
            "<description>&lt;p&gt;Résumé &lt;b&gt;court&lt;/b&gt;&lt;/p&gt;</description>"
            "<content:encoded><![CDATA[<p>Texte <em>complet</em> "
            '<a href="/autre">lien</a>&nbsp;!</p>]]></content:encoded>',
        )
    )
    feed = parse(doc)
    assert (feed.title, feed.link) == ("Feed", "https://example.fr/")
    (e,) = feed.entries
    expected = {
        "guid": "https://example.fr/a/1", "title": "Première & seconde", "author": "Bob",
        "published": "2026-11-28T09:00:00+00:00", "summary": "Résumé **court**",
    }  # fmt: skip
    assert fields_of(e, expected) == expected
    assert e.body.replace("\u00a0", " ") == "Texte *complet* [lien](https://example.fr/autre) !"


def test_atom_with_xml_base() -> None:
    doc = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/blog/">
 <title type="html">&lt;b&gt;Atom&lt;/b&gt; feed</title><link href="./"/><id>urn:feed</id>
 <updated>2026-11-01T00:00:00Z</updated>
 <entry xml:base="posts/"><title>Entrée</title><link href="one.html"/><id>urn:1</id>
  <updated>2026-11-02T08:30:00Z</updated><author><name>Carol</name></author>
  <summary>Court</summary>
  <content type="html">&lt;p&gt;&lt;a href="img/x.html"&gt;rel&lt;/a&gt;&lt;/p&gt;</content></entry>
</feed>"""
    feed = parse(doc)
    assert feed.title == "Atom feed"
    assert feed.link == "https://atom.example/blog/"
    (e,) = feed.entries
    expected = {
        "link": "https://atom.example/blog/posts/one.html", "guid": "urn:1", "author": "Carol",
        "published": "2026-11-02T08:30:00+00:00", "summary": "Court",
        "body": "[rel](https://atom.example/blog/posts/img/x.html)",
    }  # fmt: skip
    assert fields_of(e, expected) == expected


def test_rss_relative_links_resolve_against_feed_link() -> None:
    doc = rss(item(extra="<link>/a/2</link>"), "<link>https://site.example/</link>")
    (e,) = parse(doc, url="https://feeds.example/x.xml").entries
    assert e.link == "https://site.example/a/2"


@pytest.mark.parametrize(
    "version", ["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1"]
)
def test_json_feed(version: str) -> None:
    document = {
        "version": version,
        "title": "JSON \u001b[31mFeed\u001b[0m",
        "home_page_url": "https://json.example/",
        "items": [
            {
                "id": "1",
                "url": "https://json.example/1",
                "title": "\u001b]52;c;ZXZpbA==\u0007Un \u001b[1mtitre",
                "content_html": '<p>Corps <a href="javascript:alert(1)">js</a></p>',
                "summary": "Résumé",
                "date_published": "2026-11-27T10:00:00+02:00",
                "authors": [{"name": "Dana"}],
                "author": {"name": "Old"},
            },
            {"id": 2, "content_text": "Texte seul\n[bold]x[/]", "date_modified": "2026-11-26"},
        ],
    }
    feed = parse(json.dumps(document), content_type="application/feed+json")
    assert (feed.title, feed.link) == ("JSON Feed", "https://json.example/")
    first, second = feed.entries
    expected_first = {
        "title": "Un titre", "body": "Corps js", "summary": "Résumé",
        "published": "2026-11-27T08:00:00+00:00", "author": "Dana",
    }  # fmt: skip
    assert fields_of(first, expected_first) == expected_first
    expected_second = {
        "guid": "2", "body": "Texte seul\n[bold]x[/]", "title": "Texte seul [bold]x[/]",
        "published": "2026-11-26T00:00:00+00:00",
    }  # fmt: skip
    assert fields_of(second, expected_second) == expected_second


def test_json_feed_sniffed_without_content_type_and_with_bom() -> None:
    body = b'\xef\xbb\xbf  {"version": "https://jsonfeed.org/version/1.1", "items": []}'
    assert parse_feed(body, url=URL).entries == ()


@pytest.mark.parametrize(
    "body", [b'{"a": 1}', b'{"items": [', b"[1, 2]", b'{"items":' + b"[" * 100_000]
)
def test_json_not_a_feed(body: bytes) -> None:
    with pytest.raises(ParseError) as info:
        parse(body)
    assert "\n" not in str(info.value)


def test_valid_feed_with_zero_items() -> None:
    feed = parse(rss(""))
    assert feed.title == "Feed" and feed.entries == ()


def test_parse_feed_is_picklable_for_process_pools() -> None:
    assert pickle.loads(pickle.dumps(parse_feed)) is parse_feed
    feed = parse(rss(item()))
    assert pickle.loads(pickle.dumps(feed)) == feed


# ---------------------------------------------------------------- hostile documents


def _laugh(level: int) -> str:
    previous = f"&lol{level - 1};" if level > 1 else "&lol;"
    return f' <!ENTITY lol{level} "{previous * 10}">\n'


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(_laugh(level) for level in range(1, 10))
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title>'
    "<item><title>Laughs &lol9;</title><guid>1</guid><description>&lol9;</description></item>"
    "</channel></rss>"
)


# Expanded, these documents would take gigabytes and minutes; defused, a blink. The bound
# leaves room for a loaded 2-core machine.
DEFUSED_SECONDS = 10.0


def test_billion_laughs_is_defused() -> None:
    start = time.perf_counter()
    feed = parse(BILLION_LAUGHS)
    assert time.perf_counter() - start < DEFUSED_SECONDS
    assert "lollollol" not in all_text(feed)
    assert feed.entries[0].title.startswith("Laughs")


def test_quadratic_blowup_is_defused() -> None:
    doc = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + "a" * 100_000 + '">]>'
        '<rss version="2.0"><channel><item><title>Quad</title><guid>1</guid><description>'
        + "&a;" * 20_000
        + "</description></item></channel></rss>"
    )
    start = time.perf_counter()
    feed = parse(doc)
    assert time.perf_counter() - start < DEFUSED_SECONDS
    assert feed.entries[0].title == "Quad"
    assert "aaaaaaaaaa" not in all_text(feed)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
        '<!DOCTYPE r SYSTEM "file:///etc/passwd">',
        '<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/x"> <!ENTITY y "]>">]>',
    ],
)
def test_external_entities_are_never_resolved(doctype: str) -> None:
    doc = (
        f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>&x;</title>'
        "<item><title>T &x;</title><guid>1</guid><description>&x;</description></item>"
        "</channel></rss>"
    )
    feed = parse(doc)
    assert "root:" not in all_text(feed)
    assert feed.entries[0].title.startswith("T")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty document"),
        (b" \n\t ", "empty document"),
        (b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>", "HTML"),
        (b"\n<!-- c --><HTML><body>x</body></HTML>", "HTML"),
        (bytes(range(256)) * 20, "not a feed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a feed"),
        (b'<?xml version="1.0"?><foo><bar/></foo>', "not a feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</ti', "XML error"),
    ],
)
def test_not_a_feed(body: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(body)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_truncated_document_keeps_entries_found_so_far() -> None:
    doc = rss(item("One", "1") + item("Two", "2")).split("</channel>")[0][:-20]
    feed = parse(doc)
    assert feed.entries[0].title == "One"


def test_escape_sequences_stripped_from_every_field() -> None:
    esc = "\x1b[31m\x1b]52;c;ZXZpbA==\x07\x1b]8;;http://evil\x1b\\"
    c1 = "\u0085\u009b"
    doc = rss(
        f"<item><title>T{esc}itle{c1}</title><guid>g{esc}</guid>"
        f"<link>https://example.fr/{esc}x</link><dc:creator>Au{esc}thor</dc:creator>"
        f"<description>Su{esc}mmary{c1}</description>"
        f"<content:encoded><![CDATA[<p>Bo{esc}dy{c1}</p>]]></content:encoded></item>",
        f"<title>Fe{esc}ed</title><link>https://example.fr/</link>",
    )
    feed = parse(doc)
    text = all_text(feed)
    assert not FORBIDDEN.search(text)
    assert "52;" not in text and "evil" not in text
    (e,) = feed.entries
    # feedparser reads C1 in XML as the Windows-1252 characters they usually are ("…", "›"):
    # printable, so harmless; JSON Feed and clean_text strip them.
    assert feed.title == "Feed" and e.author == "Author"
    for value in (e.title, e.summary, e.body):
        assert value.rstrip("…›") in ("Title", "Summary", "Body")


def test_markup_strings_are_kept_literally() -> None:
    doc = rss(
        item(
            "[bold red]x[/] [@click=app.quit]q[/]",
            extra="<description>[link=https://evil]y[/link]</description>",
        )
    )
    (e,) = parse(doc).entries
    assert e.title == "[bold red]x[/] [@click=app.quit]q[/]"
    assert e.summary == "[link=https://evil]y[/link]"


def test_emoji_cjk_rtl_kept() -> None:
    (e,) = parse(rss(item("👩‍👩‍👧 日本語 עברית العربية 🇫🇷"))).entries
    assert e.title == "👩‍👩‍👧 日本語 עברית العربية 🇫🇷"


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd"]
)
def test_unsafe_links_removed(href: str) -> None:
    link = f"<link>{href}</link>"
    doc = rss(
        item("T", "g", link + f'<description>&lt;a href="{href}"&gt;texte&lt;/a&gt;</description>')
    )
    (e,) = parse(doc).entries
    assert (e.link, e.summary) == ("", "texte")


def test_tracking_parameters_dropped_from_item_links() -> None:
    link = "<link>https://example.fr/a?utm_source=rss&amp;id=3&amp;fbclid=x#xtor=RSS-3</link>"
    (e,) = parse(rss(item("T", "g", link))).entries
    assert e.link == "https://example.fr/a?id=3"
    feed = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "items": [{"id": "1", "url": "https://example.fr/b?utm_medium=feed&id=3"}],
        }
    )
    (j,) = parse(feed, content_type="application/feed+json").entries
    assert j.link == "https://example.fr/b?id=3"


def test_huge_title_is_capped() -> None:
    (e,) = parse(rss(item("x" * 200_000))).entries
    assert len(e.title) == 1_000


# ---------------------------------------------------------------- encodings

FRENCH = "l’été à 5 € : «œuvre» déjà"


def encoded_rss(encoding: str, declared: str) -> bytes:
    return rss(item(FRENCH)).replace('encoding="utf-8"', f'encoding="{declared}"').encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "declared"),
    [
        ("utf-16", "utf-16"),  # with BOM
        ("utf-8-sig", "utf-8"),
        ("cp1252", "utf-8"),  # Windows-1252 bytes that claim to be UTF-8
        ("cp1252", "iso-8859-1"),  # "Latin-1" that is really Windows-1252
        ("cp1252", "windows-1252"),
    ],
)
def test_encodings(encoding: str, declared: str) -> None:
    (e,) = parse(encoded_rss(encoding, declared)).entries
    assert e.title == FRENCH


def test_latin1_declared() -> None:
    body = rss(item("café à l’œil".replace("’", "'").replace("œ", "oe"))).replace(
        'encoding="utf-8"', 'encoding="ISO-8859-1"'
    )
    (e,) = parse(body.encode("latin-1")).entries
    assert e.title == "café à l'oeil"


def test_cp1252_without_declaration_or_charset() -> None:
    body = rss(item(FRENCH)).replace(' encoding="utf-8"', "").encode("cp1252")
    (e,) = parse(body).entries
    assert e.title == FRENCH


def test_html_entities_come_out_right() -> None:
    (e,) = parse(rss(item("&eacute;t&eacute;&nbsp;&rsquo;&laquo;x&raquo; AT&T &bogus;"))).entries
    assert e.title == "été ’«x» AT&T &bogus;"


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("<pubDate>Fri, 27 Nov 2026 10:00:00 GMT</pubDate>", "2026-11-27T10:00:00+00:00"),
        ("<pubDate>Fri, 27 Nov 2026 10:00:00 -0500</pubDate>", "2026-11-27T15:00:00+00:00"),
        ("<dc:date>2026-11-27T10:00:00+01:00</dc:date>", "2026-11-27T09:00:00+00:00"),
        ("<pubDate>jeu., 26 nov. 2026 10:00:00 +0100</pubDate>", "2026-11-26T09:00:00+00:00"),
        ("<pubDate>mer. 4 févr. 2026 08:15:00 +0100</pubDate>", "2026-02-04T07:15:00+00:00"),
        ("<pubDate>1er août 2026 12:00</pubDate>", "2026-08-01T12:00:00+00:00"),
        ("", FETCHED),  # missing
        ("<pubDate>not a date</pubDate>", FETCHED),
        ("<pubDate>Mon, 01 Jan 2099 00:00:00 GMT</pubDate>", FETCHED),  # future: clamped
        ("<pubDate>Sat, 28 Nov 2026 20:00:00 GMT</pubDate>", "2026-11-28T20:00:00+00:00"),
    ],
)
def test_dates(date: str, expected: str) -> None:
    (e,) = parse(rss(item(extra=date))).entries
    assert e.published == expected


def test_missing_date_defaults_to_now() -> None:
    (e,) = parse_feed(rss(item()).encode(), url=URL).entries
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", e.published)


# ---------------------------------------------------------------- titles, guids


def test_missing_titles() -> None:
    long = (
        "Une description assez longue pour dépasser largement quatre-vingts caractères, vraiment."
    )
    doc = rss(
        f"<item><guid>1</guid><description>&lt;p&gt;{long}&lt;/p&gt;</description></item>"
        "<item><guid>2</guid><description>Court</description></item>"
        "<item><guid>3</guid></item>"
    )
    first, second, third = parse(doc).entries
    assert first.title.endswith("…") and len(first.title) <= 81
    assert long.startswith(first.title[:-1])
    assert second.title == "Court"
    assert third.title == "(untitled)"


def test_missing_guids() -> None:
    doc = rss(
        "<item><title>A</title><link>https://example.fr/a</link></item>"
        "<item><title>B</title><description>b</description></item>"
        "<item><title>C</title><description>c</description></item>"
    )
    a, b, c = parse(doc).entries
    assert a.guid == "https://example.fr/a"
    assert b.guid and c.guid and b.guid != c.guid
    assert parse(doc).entries[1].guid == b.guid  # stable across parses


def test_guid_that_is_not_a_url_is_not_a_link() -> None:
    (e,) = parse(rss(item(guid="article-42"))).entries
    assert (e.guid, e.link) == ("article-42", "")


def test_duplicate_guids_keep_first() -> None:
    doc = rss(item("First", "same") + item("Second", "same") + item("Third", "other"))
    assert [e.title for e in parse(doc).entries] == ["First", "Third"]


def test_body_and_summary() -> None:
    doc = rss(
        item("only summary", "1", "<description>S</description>")
        + item("only content", "2", "<content:encoded>&lt;p&gt;C&lt;/p&gt;</content:encoded>")
        + item("same", "3", "<description>X</description><content:encoded>X</content:encoded>")
    )
    summary_only, content_only, same = parse(doc).entries
    assert (summary_only.summary, summary_only.body) == ("S", "")
    assert (content_only.summary, content_only.body) == ("", "C")
    assert (same.summary, same.body) == ("", "X")


# ---------------------------------------------------------------- throughput


def big_rss(items: int = 200) -> bytes:
    paragraph = (
        '<p>Paragraphe de l&rsquo;article avec <a href="/lien">un lien</a>, '
        "<strong>du gras</strong> et de l’italique — café, œuvre, «&nbsp;guillemets&nbsp;».</p>"
        '<img src="https://img.example/x.jpg" alt="image">'
    )
    entries = "".join(
        f"<item><title>Titre {i}</title><link>https://example.fr/a/{i}</link>"
        f"<guid>https://example.fr/a/{i}</guid><pubDate>Mon, 02 Nov 2026 10:00:00 +0100</pubDate>"
        f"<description>R&#233;sum&#233; {i}</description>"
        f"<content:encoded><![CDATA[{paragraph * 12}<script>x()</script>]]>"
        "</content:encoded></item>"
        for i in range(items)
    )
    return rss(entries).encode()


def test_large_feed_parses() -> None:
    body = big_rss()
    start = time.perf_counter()
    feed = parse(body)
    elapsed = time.perf_counter() - start
    assert len(feed.entries) == 200
    assert "x()" not in feed.entries[0].body
    assert elapsed < 5  # generous: this is a smoke test, bench/ holds the real target
