"""Import (OPML, newsboat `urls`) and export (OPML 2.0) of subscription lists."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_reader.config import add_feeds, load_config
from tui_reader.models import FeedConfig
from tui_reader.opml import (
    ImportResult,
    SubscriptionFileError,
    clean_label,
    read_subscriptions,
    write_opml,
)

NESTED_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="Tech">
      <outline text="Mobile">
        <outline type="rss" text="Frandroid" xmlUrl="https://www.frandroid.com/feed"/>
      </outline>
      <outline type="rss" title="Next (title only)" xmlUrl="https://next.ink/feed/"
               category="fr,security"/>
    </outline>
    <outline type="rss" text="" xmlUrl="https://korben.info/feed"/>
    <outline type="rss" text="Numerama" xmlUrl="https://www.numerama.com/feed/"/>
    <outline type="rss" text="Numerama" xmlUrl="https://numerama.example/other"/>
    <outline type="rss" text="Old" xmlUrl="ftp://old.example/feed"/>
    <outline type="rss" text="Dup" xmlUrl="HTTPS://www.numerama.com/feed"/>
    <outline type="link" text="More" url="https://lists.example/more.opml"/>
  </body>
</opml>
"""

NEWSBOAT_URLS = """\
# my newsboat urls
https://www.numerama.com/feed/ tech fr "~Numerama, le site"
https://next.ink/feed/ "tag two" !hidden "~[b]Next[/b]" security

  https://korben.info/feed   # trailing comment
"query:Unread articles:unread = \\"yes\\""
"exec:~/bin/weather.sh" weather
"filter:~/bin/clean.py:https://filtered.example/feed" tech
gopher://old.example/feed
https://Next.ink/feed tech
"""


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_opml_nested_outlines_and_categories_become_tags(tmp_path: Path) -> None:
    result = read_subscriptions(write(tmp_path, NESTED_OPML, "feeds.opml"))
    assert result.feeds == [
        FeedConfig("Frandroid", "https://www.frandroid.com/feed", ("Tech", "Mobile")),
        FeedConfig("Next (title only)", "https://next.ink/feed/", ("fr", "security", "Tech")),
        FeedConfig("korben.info", "https://korben.info/feed"),
        FeedConfig("Numerama", "https://www.numerama.com/feed/"),
        FeedConfig("Numerama (2)", "https://numerama.example/other"),
    ]
    assert len(result.skipped) == 3
    assert "ftp://old.example/feed" in result.skipped[0]
    assert "duplicate" in result.skipped[1]
    assert "more.opml" in result.skipped[2]


def test_opml_is_detected_after_a_bom_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "feeds.xml"
    path.write_bytes(b"\xef\xbb\xbf\n\n" + NESTED_OPML.encode())
    assert len(read_subscriptions(path).feeds) == 5


def test_broken_opml_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "<opml><body><outline", "broken.opml")
    with pytest.raises(SubscriptionFileError, match=r"broken\.opml: not a valid OPML file"):
        read_subscriptions(path)


def test_xml_that_is_not_opml_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "<rss><channel><title>x</title></channel></rss>", "feed.xml")
    with pytest.raises(SubscriptionFileError, match="not an OPML subscription list"):
        read_subscriptions(path)


def test_opml_category_with_slash_is_a_path(tmp_path: Path) -> None:
    text = (
        '<opml version="2.0"><body><outline type="rss" text="A" xmlUrl="https://a.example/"'
        ' category="/Tech/Linux,fr"/></body></opml>'
    )
    result = read_subscriptions(write(tmp_path, text, "a.opml"))
    assert result.feeds[0].tags == ("Tech", "Linux", "fr")


def test_opml_that_names_a_url_is_not_fetched(tmp_path: Path) -> None:
    # listparser fetches a *string* that looks like a URL; a file must never cause that.
    path = write(tmp_path, "http://127.0.0.1:9/feed.opml\n", "urls")
    result = read_subscriptions(path)
    assert result.feeds == [FeedConfig("127.0.0.1", "http://127.0.0.1:9/feed.opml")]


def test_newsboat_urls_with_titles_tags_and_skips(tmp_path: Path) -> None:
    result = read_subscriptions(write(tmp_path, NEWSBOAT_URLS, "urls"))
    assert result.feeds == [
        FeedConfig("Numerama, le site", "https://www.numerama.com/feed/", ("tech", "fr")),
        FeedConfig("[b]Next[/b]", "https://next.ink/feed/", ("tag two", "security")),
        FeedConfig("korben.info", "https://korben.info/feed"),
    ]
    skipped = "\n".join(result.skipped)
    assert len(result.skipped) == 5
    assert "line 6: query feed 'Unread articles' skipped" in skipped
    assert "line 7: exec:" in skipped
    assert "line 8: filter:" in skipped
    assert "line 9: gopher://old.example/feed" in skipped
    assert "line 10: https://Next.ink/feed: duplicate of line 3" in skipped


def test_newsboat_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "urls"
    path.write_bytes(b"https://a.example/ caf\xe9\n")
    with pytest.raises(SubscriptionFileError, match=r"urls:1: not valid UTF-8"):
        read_subscriptions(path)


def test_empty_and_comment_only_urls_file(tmp_path: Path) -> None:
    assert read_subscriptions(write(tmp_path, "# nothing\n\n", "urls")) == ImportResult()


def test_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_subscriptions(tmp_path / "nope.opml")


def test_control_characters_are_removed_from_imported_names(tmp_path: Path) -> None:
    text = 'https://a.example/ "~Bad\x1b[31m\x07 name\x85" "t\x00ag"\n'
    result = read_subscriptions(write(tmp_path, text, "urls"))
    assert result.feeds == [FeedConfig("Bad [31m name", "https://a.example/", ("t ag",))]
    assert clean_label("  a\t\nb  ") == "a b"


def test_write_opml_is_opml_2_with_categories() -> None:
    feeds = [
        FeedConfig("Numerama", "https://www.numerama.com/feed/", ("tech", "fr")),
        FeedConfig("Plain", "https://plain.example/rss"),
    ]
    created = datetime(2026, 11, 28, 18, 5, 59, tzinfo=UTC)
    text = write_opml(feeds, created=created)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    root = ET.fromstring(text.split("\n", 1)[1])
    assert root.findtext("head/title") == "tui-reader feeds"
    assert root.findtext("head/dateCreated") == "Sat, 28 Nov 2026 18:05:59 GMT"
    outlines = root.findall("body/outline")
    assert outlines[0].attrib == {
        "type": "rss",
        "text": "Numerama",
        "title": "Numerama",
        "xmlUrl": "https://www.numerama.com/feed/",
        "category": "tech,fr",
    }
    assert "category" not in outlines[1].attrib


def test_export_import_round_trip_of_the_default_feeds(tmp_path: Path) -> None:
    feeds = load_config(None).feeds
    path = write(tmp_path, write_opml(feeds), "export.opml")
    imported = read_subscriptions(path)
    assert imported.skipped == []
    assert [(f.name, f.url, f.tags) for f in imported.feeds] == [
        (f.name, f.url, f.tags) for f in feeds
    ]


@pytest.mark.parametrize(
    "name",
    [
        "[b]bold[/b] [link=https://evil.example]x[/link]",
        "Quotes \"double\" & 'single' <tag> &amp;",
        "Accents: Siècle, ça, 日本語, emoji 📰",
        "$title ${x} %s {0}",
        "]]> <!-- --> <![CDATA[",
    ],
)
def test_markup_and_odd_characters_survive_as_data(tmp_path: Path, name: str) -> None:
    feed = FeedConfig(name, "https://odd.example/feed?a=1&b=<2>", ("[red]tag", "a&b <i>"))
    path = write(tmp_path, write_opml([feed], title=name), "odd.opml")
    assert read_subscriptions(path).feeds == [feed]
    config_path = tmp_path / "config.toml"
    assert add_feeds(config_path, read_subscriptions(path).feeds) == (1, 0)
    assert load_config(config_path).feeds[-1] == feed


def test_export_drops_characters_xml_cannot_carry() -> None:
    text = write_opml([FeedConfig("a\x01b", "https://a.example/")], title="t\x0b")
    root = ET.fromstring(text.split("\n", 1)[1])
    assert root.find("body/outline") is not None
    assert root.find("body/outline").get("text") == "ab"  # type: ignore[union-attr]


def test_newsboat_import_into_config(tmp_path: Path) -> None:
    urls = write(tmp_path, NEWSBOAT_URLS, "urls")
    config_path = tmp_path / "config.toml"
    config_path.write_text(
        '# mine\n[[feeds]]\nname = "Korben"\nurl = "https://korben.info/feed/"\n'
    )
    added, skipped = add_feeds(config_path, read_subscriptions(urls).feeds)
    assert (added, skipped) == (2, 1)
    config = load_config(config_path)
    assert [feed.name for feed in config.feeds] == ["Korben", "Numerama, le site", "[b]Next[/b]"]
    assert config_path.read_text().startswith("# mine\n")
