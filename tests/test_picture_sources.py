"""Where an article's pictures come from: the feed's `<img>`, its media:content, enclosure or
media:thumbnail (a lead picture), and the full article page (its images, or its og:image)."""

from __future__ import annotations

from tui_reader.extract import extract_markdown
from tui_reader.images import find_images
from tui_reader.parse import parse_feed

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>T</title><link>https://t.example/</link>
<item><title>Media</title><link>https://t.example/1</link><guid>1</guid>
<description>Un résumé.</description>
<media:content url="https://img.example/lead.jpg" medium="image" type="image/jpeg"/></item>
<item><title>Enclosure</title><link>https://t.example/2</link><guid>2</guid>
<description>Un autre résumé.</description>
<enclosure url="https://img.example/enc.png" type="image/png" length="10"/>
<enclosure url="https://audio.example/show.mp3" type="audio/mpeg" length="10"/></item>
<item><title>Inline</title><link>https://t.example/3</link><guid>3</guid>
<content:encoded><![CDATA[<p>Texte.</p><p><img src="/inline.webp" alt="Dans le texte"></p>]]>
</content:encoded>
<media:thumbnail url="https://img.example/inline-thumb.jpg"/></item>
<item><title>Podcast</title><link>https://t.example/4</link><guid>4</guid>
<description>Audio seulement.</description>
<enclosure url="https://audio.example/e.mp3" type="audio/mpeg" length="10"/>
<media:content url="javascript:alert(1)" medium="image"/></item>
</channel></rss>
"""


def entries() -> dict[str, object]:
    parsed = parse_feed(FEED.encode(), url="https://t.example/feed.xml")
    return {entry.title: entry for entry in parsed.entries}


def pictures(entry) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    text = entry.body or entry.summary
    return [(ref.url, ref.alt) for ref in find_images(text)]


def test_media_content_is_the_lead_picture() -> None:
    media = entries()["Media"]
    assert pictures(media) == [("https://img.example/lead.jpg", "")]
    assert "Un résumé." in (media.body or media.summary)


def test_an_image_enclosure_is_the_lead_picture_not_the_audio() -> None:
    assert pictures(entries()["Enclosure"]) == [("https://img.example/enc.png", "")]


def test_a_text_with_its_own_pictures_gets_no_lead_picture() -> None:
    # media:thumbnail is mostly the same picture, smaller: it would show twice
    assert pictures(entries()["Inline"]) == [("https://t.example/inline.webp", "Dans le texte")]


def test_no_picture_from_audio_or_unsafe_urls() -> None:
    assert pictures(entries()["Podcast"]) == []


PAGE = """<html><head><title>P</title>
<meta property="og:image" content="/og.jpg"><meta property="og:image:alt" content="La une [!]">
</head><body><article><h1>Titre</h1><p>{text}</p>{figure}<p>{text}</p></article></body></html>"""
TEXT = "Un texte assez long pour être un article complet et bien réel. " * 15


def test_full_article_keeps_its_pictures_in_place() -> None:
    figure = (
        '<figure><img src="photos/a.png" alt="Une photo"><figcaption>Légende</figcaption></figure>'
    )
    markdown = extract_markdown(PAGE.format(text=TEXT, figure=figure), "https://site.example/x/")
    assert markdown is not None
    refs = find_images(markdown)
    assert [(ref.url, ref.alt) for ref in refs] == [
        ("https://site.example/x/photos/a.png", "Une photo")
    ]
    lines = markdown.split("\n")
    assert "article complet" in lines[refs[0].line - 2]  # between the two paragraphs
    assert "article complet" in lines[refs[0].line + 2]


def test_full_article_without_pictures_is_headed_by_its_og_image() -> None:
    markdown = extract_markdown(PAGE.format(text=TEXT, figure=""), "https://site.example/x/")
    assert markdown is not None
    refs = find_images(markdown)
    assert [(ref.line, ref.url, ref.alt) for ref in refs] == [
        (0, "https://site.example/og.jpg", "La une [!]")
    ]


# --- the `images` setting -----------------------------------------------------------------


def test_images_setting_values() -> None:
    from tui_reader.config import config_from_text

    for value in ("auto", "halfcell", "off"):
        config = config_from_text(f'[settings]\nimages = "{value}"\n', "c.toml")
        assert config.settings.images == value
    assert config_from_text("", "c.toml").settings.images == "auto"


def test_a_wrong_images_value_is_one_line_naming_file_line_and_key() -> None:
    from tui_reader.config import problems_for_text

    problems = problems_for_text('[settings]\ntheme = "nord"\nimages = "sixel"\n', "c.toml")
    assert [str(problem) for problem in problems] == [
        'c.toml:3: settings.images: expected "auto", "halfcell" or "off", got string "sixel"'
    ]
