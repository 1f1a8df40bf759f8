"""clean_text, safe_link and html_to_markdown: the gate all feed text passes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_reader.text import clean_text, html_to_markdown, html_to_text, safe_link

FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("a\x00b\x07c\x08d", "abcd"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("crlf\r\nand\rcr", "crlf\nand\ncr"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[1;38;5;196mbold\x1b[m", "bold"),
        ("copy\x1b]52;c;ZXZpbA==\x07 me", "copy me"),
        ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1b]0;title", ""),
        ("esc\x1bc reset", "esc reset"),
        ("c1\x85\x9b31m\x9d0;x\x9c!", "c1!"),
        ("del\x7f", "del"),
        ("bidi \u202eevil\u202c \u2066iso\u2069", "bidi evil iso"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("emoji 👩‍👩‍👧 🇫🇷 ok", "emoji 👩‍👩‍👧 🇫🇷 ok"),
        ("日本語 中文 한국어", "日本語 中文 한국어"),
        ("עברית العربية", "עברית العربية"),
        ("[bold red]x[/] [@click=app.quit]q[/]", "[bold red]x[/] [@click=app.quit]q[/]"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_single_line() -> None:
    assert clean_text("  a\n\n b\t\tc \r\n d\u00a0 ", single_line=True) == "a b c d"
    assert clean_text("x\x1b[2Jy", single_line=True) == "xy"


@given(st.text())
def test_clean_text_property(raw: str) -> None:
    once = clean_text(raw)
    assert not FORBIDDEN.search(once)
    assert "\x1b" not in once and "\r" not in once
    assert clean_text(once) == once
    line = clean_text(raw, single_line=True)
    assert "\n" not in line and line == line.strip()
    assert clean_text(line, single_line=True) == line


@given(st.text(alphabet=st.sampled_from("\x1b[]();:\x07\\\x9b\x9d\x9c0123456789abcm\n\r ")))
def test_clean_text_escape_soup(raw: str) -> None:
    once = clean_text(raw)
    assert not FORBIDDEN.search(once)
    assert clean_text(once) == once


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("https://example.com/a", "", "https://example.com/a"),
        ("http://example.com/a b", "", "http://example.com/a%20b"),
        ("/post/1", "https://example.com/feed/", "https://example.com/post/1"),
        ("post/1", "https://example.com/blog/", "https://example.com/blog/post/1"),
        ("//cdn.example.com/x", "https://example.com/", "https://cdn.example.com/x"),
        ("  https://example.com/  ", "", "https://example.com/"),
        ("/relative", "", ""),
        ("javascript:alert(1)", "", ""),
        ("JavaScript:alert(1)", "https://example.com/", ""),
        ("java\tscript:alert(1)", "https://example.com/", ""),
        ("java\nscript:alert(1)", "", ""),
        ("\x01javascript:alert(1)", "", ""),
        ("data:text/html,<script>", "", ""),
        ("file:///etc/passwd", "", ""),
        ("vbscript:msgbox", "", ""),
        ("ftp://example.com/x", "", ""),
        ("http:///nohost", "", ""),
        ("http://[::1", "", ""),
        ("mailto:a@example.com", "", ""),
        ("", "https://example.com/", ""),
    ],
)
def test_safe_link(url: str, base: str, expected: str) -> None:
    assert safe_link(url, base) == expected


def test_safe_link_mailto_when_allowed() -> None:
    assert safe_link("mailto:a@example.com", allow_mailto=True) == "mailto:a@example.com"
    assert safe_link("mailto:", allow_mailto=True) == ""


def test_html_to_markdown_structure() -> None:
    html = (
        "<h2>Titre</h2><p>Un <strong>gras</strong> et <em>italique</em> "
        '<a href="/lien">lien</a>.</p><ul><li>un</li><li>deux</li></ul>'
        "<blockquote>citation</blockquote><pre><code>x = 1</code></pre>"
    )
    md = html_to_markdown(html, "https://example.fr/article/")
    assert "## Titre" in md
    assert "**gras**" in md and "*italique*" in md
    assert "[lien](https://example.fr/lien)" in md
    assert "- un" in md and "> citation" in md and "x = 1" in md


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", " java\tscript:x"]
)
def test_html_to_markdown_drops_unsafe_links_keeps_text(href: str) -> None:
    md = html_to_markdown(f'<p>before <a href="{href}">the text</a> after</p>')
    assert md == "before the text after"


def test_html_to_markdown_drops_active_content() -> None:
    html = (
        "<p>keep</p><script>alert('s')</script><style>p{color:red}</style>"
        '<iframe src="https://evil.example/"></iframe><object data="x">obj</object>'
        '<form action="/x"><input name="a" value="secret"><button>Go</button></form>'
        "<noscript>ns</noscript>"
    )
    md = html_to_markdown(html)
    assert md == "keep"


def test_html_to_markdown_images() -> None:
    md = html_to_markdown(
        '<img src="/a.png" alt="relative"> <img src="data:image/png;base64,AAAA" alt="inline">'
        ' <img src="javascript:x" alt="js">',
        "https://example.com/",
    )
    assert "![relative](https://example.com/a.png)" in md
    assert "inline" in md and "data:" not in md
    assert "javascript" not in md


def test_html_to_markdown_link_target_cannot_break_out() -> None:
    md = html_to_markdown('<a href="https://example.com/a (b) <c>">x</a>')
    assert md == "[x](https://example.com/a%20%28b%29%20%3Cc%3E)"


def test_html_to_markdown_cleans_text_and_keeps_markup_literally() -> None:
    html = "<p>\x1b[31m[bold red]red[/] \x9b2J [@click=app.quit]q[/] 👍 日本</p>"
    md = html_to_markdown(html)
    assert md == "[bold red]red[/] [@click=app.quit]q[/] 👍 日本"


def test_html_to_markdown_plain_text_is_kept() -> None:
    assert html_to_markdown("just *text*\nwith [brackets]") == "just *text*\nwith [brackets]"
    assert html_to_markdown("") == ""
    assert html_to_markdown("caf&eacute; &amp; th&eacute;") == "café & thé"


def test_html_to_text() -> None:
    assert html_to_text("<b>Bold</b> &amp; <i>it</i>\n  title") == "Bold & it title"
    assert html_to_text("no tags\x1b[31m") == "no tags"


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)"><img src="https://example.com/i.png" alt="i"></a>',
        '<a href="https://ok.example/"><img src="data:image/png;base64,AAAA" alt="i"></a>',
        '<p><a href="https://ok.example/">ok</a> <a href="vbscript:x">bad</a></p>',
        '<p><a href="https://ok.example/">ok</a> <a href="file:///etc/passwd">bad</a></p>',
        '<a href=" javascript:alert(1)">x</a> <a href="https://ok.example/">ok</a>',
    ],
)
def test_fast_and_careful_link_paths_both_drop_unsafe_targets(html: str) -> None:
    """The visitor-free fast path must hand any page with an unsafe target to the careful one."""
    md = html_to_markdown(html, "https://base.example/")
    for bad in ("javascript:", "data:", "vbscript:", "file:"):
        assert bad not in md
