"""Tests for tui_reader.extract: article Markdown, summary-only detection, reading time."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import trafilatura

from tui_reader import extract
from tui_reader.extract import extract_markdown, is_summary_only, reading_time_minutes

PAGE_URL = "https://news.example.com/2024/05/story.html"

PARAGRAPHS = "".join(
    f"<p>Paragraph {i} of the story explains what the company said, what the regulator "
    f"answered and why it matters for the people who use the application every day.</p>"
    for i in range(6)
)

ARTICLE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>The big story</title>
<style>p {{ color: red }}</style><script>trackEverything();</script></head>
<body>
<nav><a href="/">Home</a> <a href="/world/">World</a> <a href="/tech/">Tech</a></nav>
<article>
<h1>The big story</h1>
<p>Markup stays literal: [bold]x[/] and [link=https://evil.example]click[/link] too.</p>
<p>Control characters go: bell\x07 null-free \x1b[31mred\x1b[0m and \x9b2J here.</p>
<p>Links: a <a href="javascript:alert(1)">script link</a>, a
<a href="JaVaScRiPt:alert(2)">shouting link</a>, a <a href="data:text/html,hi">data link</a>,
a <a href="file:///etc/passwd">file link</a>, a <a href="other.html">relative link</a>,
a <a href="/root.html?utm_source=rss&amp;id=7&amp;fbclid=abc">tracked link</a> and a
<a href="//cdn.example.org/page">scheme-relative link</a>.</p>
{PARAGRAPHS}
</article>
<footer>Copyright 2024 Example News. All rights reserved.</footer>
</body></html>"""


@pytest.fixture(scope="module")
def article_md() -> str:
    """The Markdown of the sample article (extracted once for the module)."""
    md = extract_markdown(ARTICLE, PAGE_URL)
    assert md is not None
    return md


def _visible(md: str) -> str:
    """Markdown as a reader sees it: backslash escapes and link targets gone."""
    md = re.sub(r"(?<!\\)\[((?:\\.|[^\\\]])*)\]\([^)]*\)", r"\1", md)
    return re.sub(r"\\(.)", r"\1", md)


def _link_targets(md: str) -> list[str]:
    return re.findall(r"\]\(<?([^)>\s]*)>?\)", md)


def test_article_text_is_extracted(article_md: str) -> None:
    text = _visible(article_md)
    assert "The big story" in text
    assert "Paragraph 0 of the story" in text
    assert "Paragraph 5 of the story" in text
    assert "trackEverything" not in text
    assert "color: red" not in text


def test_markup_is_kept_literally(article_md: str) -> None:
    text = _visible(article_md)
    assert "[bold]x[/]" in text
    assert "[link=https://evil.example]click[/link]" in text


def test_control_characters_and_escape_sequences_are_stripped(article_md: str) -> None:
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", article_md)
    assert "31m" not in article_md
    assert "2J" not in article_md
    assert "red and" in _visible(article_md)


def test_control_characters_from_entities_do_not_break_extraction() -> None:
    page = ARTICLE.replace(
        "<footer>", "<script>x()</script>&#27;[2J &#0; &#x9b; tail<style>a{}</style>\x00<footer>"
    )
    md = extract_markdown(page, PAGE_URL)
    assert md is not None
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", md)


def test_unsafe_links_lose_their_target_but_keep_their_text(article_md: str) -> None:
    lowered = article_md.lower()
    for scheme in ("javascript:", "data:", "file:"):
        assert scheme not in lowered
    text = _visible(article_md)
    for words in ("script link", "shouting link", "data link", "file link"):
        assert words in text


def test_every_link_target_is_absolute_http(article_md: str) -> None:
    targets = _link_targets(article_md)
    assert targets
    assert all(t.startswith(("http://", "https://")) for t in targets)


def test_relative_links_are_resolved_against_the_page(article_md: str) -> None:
    targets = _link_targets(article_md)
    assert "https://news.example.com/2024/05/other.html" in targets
    assert "https://cdn.example.org/page" in targets


def test_tracking_parameters_are_dropped_from_links(article_md: str) -> None:
    assert "https://news.example.com/root.html?id=7" in _link_targets(article_md)
    assert "utm_source" not in article_md
    assert "fbclid" not in article_md


def test_base_href_is_honoured() -> None:
    page = ARTICLE.replace("<head>", '<head><base href="https://static.example.net/a/">')
    md = extract_markdown(page, PAGE_URL)
    assert md is not None
    assert "https://static.example.net/a/other.html" in _link_targets(md)


def test_output_passes_clean_text(article_md: str) -> None:
    from tui_reader.text import clean_text

    assert clean_text(article_md) == article_md


def test_unsafe_link_written_as_markdown_in_the_page_text_is_not_a_link() -> None:
    page = ARTICLE.replace("Markup stays literal:", "Try [me](javascript:alert(3)) now.")
    md = extract_markdown(page, PAGE_URL)
    assert md is not None
    assert re.search(r"(?<!\\)\[me\]\(", md) is None  # escaped, so shown as text
    assert "Try [me](javascript:alert(3)) now." in _visible(md)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[x](javascript:alert(1)) end", "x end"),
        ("![pic](data:image/png;base64,AAAA)", "pic"),
        ("[x](<file:///etc/passwd>)", "x"),
        ("[x](vbscript:msgbox)", "x"),
        ("[x](other.html)", "[x](https://news.example.com/2024/05/other.html)"),
        ("[x](<https://ex.com/a b(1)>)", "[x](https://ex.com/a%20b%281%29)"),
        ("[x](https://ex.com/?utm_source=rss&id=1)", "[x](https://ex.com/?id=1)"),
        (r"\\[x](javascript:y)", r"\\x"),  # an escaped backslash does not escape the link
        (r"\[x\](javascript:y)", r"\[x\](javascript:y)"),  # escaped: not a link
    ],
)
def test_markdown_links_are_made_safe(markdown: str, expected: str) -> None:
    assert extract._fix_links(markdown, PAGE_URL) == expected


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n  ",
        "<html></html>",
        "<html><head><title>Nothing</title></head><body></body></html>",
        "<html><body><div><img src='a.png'></div><form><input name='q'></form></body></html>",
        "<html><body><script>document.write('only script')</script></body></html>",
    ],
)
def test_page_with_nothing_to_extract_gives_none(html: str) -> None:
    assert extract_markdown(html, PAGE_URL) is None


def precision_calls(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Spy on trafilatura: each call's favor_precision, in order (the real extract runs)."""
    calls: list[bool] = []
    real_extract = trafilatura.extract

    def spy(*args: object, **kwargs: object) -> str | None:
        calls.append(bool(kwargs.get("favor_precision")))
        return real_extract(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(trafilatura, "extract", spy)
    return calls


def test_falls_back_to_recall_when_precision_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A script-rendered page: its text lives only in JSON-LD, which precision mode ignores.
    body = " ".join(f"Sentence {i} of the story, told only in structured data." for i in range(12))
    data = json.dumps({"@type": "NewsArticle", "headline": "H", "articleBody": body})
    page = (
        f'<html><head><script type="application/ld+json">{data}</script></head>'
        '<body><div id="app"></div><script>render()</script></body></html>'
    )
    calls = precision_calls(monkeypatch)
    md = extract_markdown(page, PAGE_URL)
    assert calls == [True, False]
    assert md is not None
    assert "Sentence 11 of the story" in md


def test_precision_result_is_used_without_a_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = precision_calls(monkeypatch)
    assert extract_markdown(ARTICLE, PAGE_URL)
    assert calls == [True]


def test_tables_are_kept() -> None:
    rows = "".join(f"<tr><td>Model {i}</td><td>{100 + i} euros</td></tr>" for i in range(4))
    page = ARTICLE.replace(
        "</article>", f"<table><tr><th>Model</th><th>Price</th></tr>{rows}</table></article>"
    )
    md = extract_markdown(page, PAGE_URL)
    assert md is not None
    assert "| Model 3 | 103 euros |" in md


def test_core_module_imports_neither_textual_nor_rich() -> None:
    code = (
        "import sys, tui_reader.extract, tui_reader.links; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- is_summary_only ---------------------------------------------------------------------

LONG_EN = " ".join(
    f"Sentence {i} of a complete article describes the event, the people and the outcome."
    for i in range(20)
)
LONG_FR = " ".join(
    f"La phrase {i} d’un article complet décrit l’événement, les personnes et la suite."
    for i in range(20)
)


@pytest.mark.parametrize(
    ("summary", "body"),
    [
        pytest.param("TikTok fined in Europe over data transfers.", "", id="short-en"),
        pytest.param("TikTok condamné à une amende en Europe.", "", id="short-fr"),
        pytest.param("", "", id="empty"),
        pytest.param(LONG_EN + " And then…", "", id="ellipsis"),
        pytest.param(LONG_EN + " And then...", "", id="three-dots"),
        pytest.param(LONG_EN + " […]", "", id="bracketed-ellipsis"),
        pytest.param(LONG_EN + " [...]", "", id="bracketed-dots"),
        pytest.param(LONG_EN + " [&#8230;]", "", id="entity-ellipsis"),
        pytest.param(LONG_FR + " (…)", "", id="parenthesised-ellipsis"),
        pytest.param(LONG_FR + " Lire la suite", "", id="lire-la-suite"),
        pytest.param(LONG_FR + " Lire l’article", "", id="lire-l-article-curly"),
        pytest.param(LONG_FR + " Lire l'article complet →", "", id="lire-l-article-straight"),
        pytest.param(LONG_EN + " Read more", "", id="read-more"),
        pytest.param(LONG_EN + " Continue reading “The big story” →", "", id="continue-reading"),
        pytest.param(
            f"<p>{LONG_FR}</p><p><a href='https://ex.fr/a'>Lire la suite</a></p>", "", id="html"
        ),
        pytest.param(
            "Short excerpt of the post […] The post Big story appeared first on Example Blog.",
            "",
            id="wordpress-en",
        ),
        pytest.param(
            LONG_FR + " […]\nL’article Le grand sujet est apparu en premier sur Exemple.",
            "",
            id="wordpress-fr",
        ),
        pytest.param("Short.", "Also short, both of them.", id="both-short"),
    ],
)
def test_summary_only_positives(summary: str, body: str) -> None:
    assert is_summary_only(summary, body)


@pytest.mark.parametrize(
    ("summary", "body"),
    [
        pytest.param(LONG_EN, "", id="long-en"),
        pytest.param(LONG_FR, "", id="long-fr"),
        pytest.param("A teaser…", LONG_EN, id="teaser-but-full-body"),
        pytest.param(
            "", LONG_EN + " The post Big story appeared first on Example Blog.", id="wp-full-en"
        ),
        pytest.param(
            "", LONG_FR + " L'article Le sujet est apparu en premier sur Exemple.", id="wp-full-fr"
        ),
        pytest.param(f"<p>{LONG_EN}</p>", "", id="html-long"),
    ],
)
def test_summary_only_negatives(summary: str, body: str) -> None:
    assert not is_summary_only(summary, body)


# --- reading_time_minutes ----------------------------------------------------------------


def _words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


@pytest.mark.parametrize(
    ("text", "lang", "minutes"),
    [
        ("", None, 1),
        ("Just a few words.", "en", 1),
        (_words(228 * 10), "en", 10),
        (_words(228 * 10), "en-GB", 10),
        (_words(195 * 10, "mot"), "fr", 10),
        (_words(195 * 10, "mot"), "fr_FR", 10),
        (_words(228 * 3), "xx", 3),  # unknown language: the English speed
    ],
)
def test_reading_time(text: str, lang: str | None, minutes: int) -> None:
    assert reading_time_minutes(text, lang) == minutes


def test_reading_time_guesses_french_without_a_hint() -> None:
    french = " ".join(["le chat est dans la maison et il dort pour la journée"] * 200)
    english = " ".join(["the cat is in the house and it sleeps the whole day"] * 200)
    # the same number of words (12 × 200 = 2400): French is read more slowly
    assert reading_time_minutes(french) == round(2400 / 195) == 12
    assert reading_time_minutes(english) == round(2400 / 228) == 11


def test_reading_time_ignores_link_targets() -> None:
    link = "[two words](https://example.com/a/very/long/path/with/many/segments/in/it) "
    assert reading_time_minutes(link * 114, "en") == 1  # 228 words, not thousands
