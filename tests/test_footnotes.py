"""Numbered links: the list `L` shows and `show ID` prints as footnotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tui_reader.cli import main
from tui_reader.footnotes import article_links, footnotes


def test_own_link_first_then_the_texts_links_and_pictures_once_each() -> None:
    markdown = (
        'Voir [le **site**](https://a.fr/x "titre") et [![logo](https://i.fr/l.png)](https://b.fr/)'
        " puis ![une image](https://c.fr/i.png), [js](javascript:alert(1)),"
        " [encore](https://a.fr/x), \\[pas un lien](https://d.fr/) et [moi](https://own.fr/a)."
    )
    links = article_links("https://own.fr/a", markdown)
    assert [(link.number, link.text, link.url) for link in links] == [
        (1, "The article", "https://own.fr/a"),
        (2, "le site", "https://a.fr/x"),
        (3, "logo", "https://b.fr/"),
        (4, "picture: une image", "https://c.fr/i.png"),
    ]


def test_no_own_link_numbers_from_the_text() -> None:
    links = article_links("javascript:void(0)", "[a](<https://a.fr/a b>)")
    assert [(link.number, link.url) for link in links] == [(1, "https://a.fr/a%20b")]


def test_footnotes_text() -> None:
    links = article_links("https://own.fr/a", "[doc](https://doc.fr/)")
    assert footnotes(links) == (
        "Links:\n[1] The article: https://own.fr/a\n[2] doc: https://doc.fr/"
    )
    assert footnotes([]) == ""


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>https://t.example/</link>
<item><title>Liens</title><link>https://t.example/liens</link><guid>l1</guid>
<pubDate>Tue, 24 Nov 2026 08:00:00 +0000</pubDate>
<description><![CDATA[<p>Lire <a href="https://doc.example/guide">le guide [red]x[/]</a> et
<a href="javascript:alert(1)">rien</a>.</p>]]></description></item>
</channel></rss>
"""


def test_show_prints_the_links_as_footnotes(
    tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    config = tmp_path / "config.toml"
    config.write_text(
        '[settings]\nrefresh_interval = 0\nfull_articles = "never"\n\n[[feeds]]\n'
        f'name = "T"\nurl = "{httpserver.url_for("/feed.xml")}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TUI_READER_CONFIG", str(config))
    monkeypatch.setenv("TUI_READER_DATA_DIR", str(tmp_path / "data"))
    assert main(["refresh"]) == 0
    capsys.readouterr()
    assert main(["headlines", "--json"]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert main(["show", str(item["id"])]) == 0
    out = capsys.readouterr().out
    assert "Links:" in out
    assert "[1] The article: https://t.example/liens" in out
    assert "[2] le guide [red]x[/]: https://doc.example/guide" in out
    assert "javascript" not in out
