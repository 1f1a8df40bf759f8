"""Organise through the real CLI: add/remove, mark-unread, views, rules, hooks, refresh --due.

Pages and feeds are served on 127.0.0.1; the database is a real SQLite file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.feeds import numbered_items, rss
from tests.test_cli import run, write_config
from tui_reader.hooks import item_json
from tui_reader.store import Store

COMMENTED = """# My feeds — keep this comment
[settings]
timeout = 3
refresh_interval = 0
full_articles = "never"  # inline comment kept

[[feeds]]
name = "Tech"
url = "{tech}"
tags = ["tech"]

# Trailing notes stay put.
"""


def page(head: str = "", body: str = "") -> str:
    return f"<!doctype html><html><head><title>Site</title>{head}</head><body>{body}</body></html>"


@pytest.fixture
def site(env: Path, httpserver: HTTPServer) -> Path:
    """A tech feed in the config (with comments) and a site whose page announces a feed."""
    httpserver.expect_request("/tech.xml").respond_with_data(
        rss("Tech", numbered_items(3, "Tech")), content_type="application/rss+xml"
    )
    httpserver.expect_request("/blog/").respond_with_data(
        page('<link rel="alternate" type="application/rss+xml" href="../news/feed.xml">'),
        content_type="text/html",
    )
    httpserver.expect_request("/news/feed.xml").respond_with_data(
        rss("Le Blog", numbered_items(4, "Blog")), content_type="application/rss+xml"
    )
    httpserver.expect_request("/empty/").respond_with_data(page(), content_type="text/html")
    config = env / "config.toml"
    config.write_text(COMMENTED.format(tech=httpserver.url_for("/tech.xml")), encoding="utf-8")
    return config


def test_add_site_page_subscribes_to_its_feed_keeping_comments(
    site: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = site.read_text(encoding="utf-8")
    code, out, err = run(capsys, "add", httpserver.url_for("/blog/"), "--tag", "blog")
    assert code == 0, err
    text = site.read_text(encoding="utf-8")
    assert text.startswith(before.rstrip("\n").rsplit("# Trailing", 1)[0])
    assert "# My feeds — keep this comment" in text
    assert 'full_articles = "never"  # inline comment kept' in text
    assert "# Trailing notes stay put." in text
    assert 'name = "Le Blog"' in text
    assert f'url = "{httpserver.url_for("/news/feed.xml")}"' in text
    assert 'tags = ["blog"]' in text
    code, out, _ = run(capsys, "headlines", "--json", "--feed", "Le Blog")
    assert code == 0
    assert {item["title"] for item in json.loads(out)} == {f"Blog {n}" for n in range(4)}


@pytest.mark.parametrize(
    ("path", "expected_code"),
    [
        pytest.param("/tech.xml", 2, id="already-subscribed-exits-2"),
        pytest.param("/empty/", 1, id="page-without-feed-exits-1"),
        pytest.param("/missing", 1, id="http-404-exits-1"),
    ],
)
def test_add_failure_leaves_config_byte_identical(
    site: Path,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    path: str,
    expected_code: int,
) -> None:
    before = site.read_bytes()
    code, _out, err = run(capsys, "add", httpserver.url_for(path))
    assert code == expected_code
    assert len(err.strip().splitlines()) == 1 and err.startswith("tui-reader: ")
    assert site.read_bytes() == before


def test_add_twice_second_is_refused(
    site: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "add", httpserver.url_for("/blog/"))[0] == 0
    after_first = site.read_bytes()
    code, _, err = run(capsys, "add", httpserver.url_for("/blog/"))
    assert code == 2 and "already subscribed" in err
    assert site.read_bytes() == after_first


def test_add_rejects_non_http_and_taken_name(
    site: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = site.read_bytes()
    code, _, err = run(capsys, "add", "file:///etc/passwd")
    assert code == 2 and "only http and https" in err
    code, _, err = run(capsys, "add", httpserver.url_for("/blog/"), "--name", "tech")
    assert code == 2 and "already exists" in err
    assert site.read_bytes() == before


def test_add_with_name_and_choose(
    site: Path,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    httpserver.expect_request("/two/").respond_with_data(
        page(
            '<link rel="alternate" type="application/atom+xml" href="/news/feed.xml" title="A">'
            '<link rel="alternate" type="application/rss+xml" href="/other.xml" title="B">'
        ),
        content_type="text/html",
    )
    httpserver.expect_request("/other.xml").respond_with_data(
        rss("Other", numbered_items(1, "Other")), content_type="application/rss+xml"
    )
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("2\n"))
    code, out, err = run(capsys, "add", httpserver.url_for("/two/"), "--choose", "--name", "Mine")
    assert code == 0, err
    assert "1. Le Blog" in out and "2. Other" in out
    text = site.read_text(encoding="utf-8")
    assert 'name = "Mine"' in text and httpserver.url_for("/other.xml") in text
    assert httpserver.url_for("/news/feed.xml") not in text


def test_remove_keeps_bookmarks_and_comments(
    site: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], env: Path
) -> None:
    assert run(capsys, "add", httpserver.url_for("/blog/"))[0] == 0
    _, out, _ = run(capsys, "headlines", "--json", "--feed", "Le Blog")
    items = json.loads(out)
    assert run(capsys, "bookmark", str(items[0]["id"]))[0] == 0
    code, out, err = run(capsys, "remove", "le blog")
    assert code == 0, err
    assert "kept 1 bookmarked" in out
    text = site.read_text(encoding="utf-8")
    assert "Le Blog" not in text and "# Trailing notes stay put." in text
    assert "# My feeds — keep this comment" in text
    _, out, _ = run(capsys, "bookmarks", "--json")
    assert [item["id"] for item in json.loads(out)] == [items[0]["id"]]
    with Store.open(env / "data" / "tui-reader.db") as store:
        assert {a.feed for a in store.articles_by_ids([i["id"] for i in items])} == {"Le Blog"}
        assert len(store.articles_by_ids([i["id"] for i in items])) == 1
    code, _, err = run(capsys, "remove", "Le Blog")
    assert code == 2 and "no feed named" in err


def test_mark_unread(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "refresh")[0] == 0
    _, out, _ = run(capsys, "headlines", "--json")
    first = json.loads(out)[0]["id"]
    assert run(capsys, "mark-read", str(first))[0] == 0
    _, out, _ = run(capsys, "headlines", "--json", "--unread")
    assert first not in [item["id"] for item in json.loads(out)]
    assert run(capsys, "mark-unread", str(first))[0] == 0
    _, out, _ = run(capsys, "headlines", "--json", "--unread")
    assert first in [item["id"] for item in json.loads(out)]
    assert run(capsys, "mark-unread", "99999")[0] == 2


@pytest.fixture
def two_feeds(env: Path, httpserver: HTTPServer) -> Path:
    items = numbered_items(3, "Tech")
    items[1]["title"] = "Bon plan : un chargeur à 5 €"
    items[2]["description"] = "<p>Une faille de sécurité critique dans OpenSSL</p>"
    httpserver.expect_request("/tech.xml").respond_with_data(
        rss("Tech", items), content_type="application/rss+xml"
    )
    httpserver.expect_request("/mobile.xml").respond_with_data(
        rss("Mobile", numbered_items(2, "Mobile")), content_type="application/rss+xml"
    )
    return write_config(
        env / "config.toml",
        [
            ("Tech", httpserver.url_for("/tech.xml"), ["tech"]),
            ("Mobile", httpserver.url_for("/mobile.xml"), ["mobile"]),
        ],
    )


def append(config: Path, text: str) -> None:
    config.write_text(config.read_text(encoding="utf-8") + text, encoding="utf-8")


def titles(capsys: pytest.CaptureFixture[str], *args: str) -> set[str]:
    code, out, err = run(capsys, "headlines", "--json", *args)
    assert code == 0, err
    return {item["title"] for item in json.loads(out)}


def test_views_and_hide_rule_with_is_hidden_and_all(
    two_feeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append(
        two_feeds,
        '\n[[views]]\nname = "Sécu"\nquery = "securite"\n'
        '\n[[rules]]\nquery = "=tech bon plan"\naction = "hide"\n',
    )
    assert run(capsys, "refresh")[0] == 0
    everything = titles(capsys, "--all")
    assert "Bon plan : un chargeur à 5 €" in everything and len(everything) == 5
    assert titles(capsys) == everything - {"Bon plan : un chargeur à 5 €"}
    assert titles(capsys, "--search", "is:hidden") == {"Bon plan : un chargeur à 5 €"}
    assert titles(capsys, "--view", "sécu") == {"Tech 2"}  # matched in the body, accents aside
    code, _, err = run(capsys, "headlines", "--view", "Nope")
    assert code == 2 and "no view named" in err


def test_rule_change_is_reapplied_to_stored_items(
    two_feeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "refresh")[0] == 0
    assert len(titles(capsys)) == 5
    text = two_feeds.read_text(encoding="utf-8")
    append(two_feeds, '\n[[rules]]\nquery = "+mobile"\naction = "hide"\n')
    assert titles(capsys) == {"Tech 0", "Bon plan : un chargeur à 5 €", "Tech 2"}
    # A bookmarked item is never hidden.
    two_feeds.write_text(text, encoding="utf-8")
    _, out, _ = run(capsys, "headlines", "--json", "--feed", "Mobile")
    mobile = json.loads(out)
    assert run(capsys, "bookmark", str(mobile[0]["id"]))[0] == 0
    append(two_feeds, '\n[[rules]]\nquery = "+mobile"\naction = "hide"\n')
    assert titles(capsys, "--feed", "Mobile") == {mobile[0]["title"]}
    # Rules removed: the items come back.
    two_feeds.write_text(text, encoding="utf-8")
    assert len(titles(capsys)) == 5


def test_tag_and_read_rules(two_feeds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    append(
        two_feeds,
        '\n[[rules]]\nquery = "openssl"\naction = "tag:securite"\n'
        '\n[[rules]]\nquery = "+mobile"\naction = "read"\n',
    )
    assert run(capsys, "refresh")[0] == 0
    _, out, _ = run(capsys, "headlines", "--json", "--tag", "securite")
    tagged = json.loads(out)
    assert [item["title"] for item in tagged] == ["Tech 2"]
    assert tagged[0]["tags"] == ["tech", "securite"]
    assert titles(capsys, "--unread") == {"Tech 0", "Bon plan : un chargeur à 5 €", "Tech 2"}
    assert titles(capsys, "--search", "-securite +tech") == {
        "Tech 0",
        "Bon plan : un chargeur à 5 €",
    }


def test_bad_rule_rejected_with_its_line(
    two_feeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines_before = two_feeds.read_text(encoding="utf-8").count("\n")
    append(two_feeds, '\n[[rules]]\nquery = "is:nope"\naction = "explode"\n')
    code, _out, err = run(capsys, "check-config")
    assert code == 2
    problems = err.strip().splitlines()
    assert f"{two_feeds}:{lines_before + 3}: rules[1].query:" in problems[0]
    assert "is:nope" in problems[0]
    assert f"{two_feeds}:{lines_before + 4}: rules[1].action:" in problems[1]
    code, _, _ = run(capsys, "headlines")
    assert code == 2  # never runs on a config it cannot honour


def test_refresh_due_skips_feeds_whose_interval_has_not_elapsed(
    env: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/a.xml").respond_with_data(
        rss("A", numbered_items(1, "A")), content_type="application/rss+xml"
    )
    httpserver.expect_request("/b.xml").respond_with_data(
        rss("B", numbered_items(1, "B")), content_type="application/rss+xml"
    )
    config = write_config(
        env / "config.toml",
        [("A", httpserver.url_for("/a.xml"), []), ("B", httpserver.url_for("/b.xml"), [])],
    )
    text = config.read_text(encoding="utf-8").replace("refresh_interval = 0", "")
    text = text.replace('name = "B"', 'name = "B"\nrefresh_interval = 60')
    config.write_text(text + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "refresh", "--due", "--json")
    assert code == 0
    assert {f["name"]: f["status"] for f in json.loads(out)["feeds"]} == {"A": "ok", "B": "ok"}
    requests = len(httpserver.log)
    code, out, _ = run(capsys, "refresh", "--due", "--json")
    statuses = {f["name"]: f["status"] for f in json.loads(out)["feeds"]}
    assert statuses == {"A": "skipped", "B": "skipped"}
    assert len(httpserver.log) == requests  # nothing fetched
    code, out, _ = run(capsys, "refresh", "--json")  # a plain refresh still does them all
    assert "skipped" not in {f["status"] for f in json.loads(out)["feeds"]}
    assert len(httpserver.log) == requests + 2


def test_hook_is_fed_each_new_item_exactly_once(
    env: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = numbered_items(2, "Tech")
    httpserver.expect_request("/tech.xml").respond_with_data(
        rss("Tech", items), content_type="application/rss+xml"
    )
    config = write_config(env / "config.toml", [("Tech", httpserver.url_for("/tech.xml"), ["t"])])
    out_file = env / "hook.jsonl"
    script = f"import sys; open({str(out_file)!r}, 'a').write(sys.stdin.read())"
    append(
        config,
        f'\n[[hooks]]\nquery = "+t"\ncommand = {json.dumps([sys.executable, "-c", script])}\n',
    )
    assert run(capsys, "refresh")[0] == 0
    first = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert sorted(item["title"] for item in first) == ["Tech 0", "Tech 1"]
    assert set(first[0]) == {
        "id", "feed", "title", "link", "author", "published", "tags", "read", "bookmarked"
    } | ({"account"} if "account" in first[0] else set())  # fmt: skip
    assert run(capsys, "refresh")[0] == 0  # same feed: nothing new, the hook is not run
    assert len(out_file.read_text(encoding="utf-8").splitlines()) == 2
    httpserver.clear()
    httpserver.expect_request("/tech.xml").respond_with_data(
        rss("Tech", numbered_items(3, "Tech")), content_type="application/rss+xml"
    )
    assert run(capsys, "refresh")[0] == 0
    lines = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [item["title"] for item in lines[2:]] == ["Tech 2"]


def test_hook_item_shape_is_the_headlines_shape(
    two_feeds: Path, capsys: pytest.CaptureFixture[str], env: Path
) -> None:
    from tui_reader.cli import article_json

    assert run(capsys, "refresh")[0] == 0
    with Store.open(env / "data" / "tui-reader.db") as store:
        article = store.articles_by_ids([1])[0]
    assert item_json(article) == article_json(article)


@pytest.mark.parametrize(
    ("script", "timeout", "expected"),
    [
        pytest.param(
            "import sys; sys.stderr.write('boom\\n'); sys.exit(3)", 5, "exit code 3: boom",
            id="exit-code-and-stderr-reported",
        ),
        pytest.param(
            "import time; time.sleep(30)", 0.5, "timed out after 0.5 s", id="hang-timed-out"
        ),
        pytest.param(
            "import sys; sys.stdout.write('x' * 20_000_000)", 20, None, id="flood-of-output-ignored"
        ),
    ],
)  # fmt: skip
def test_failing_hook_is_reported_in_one_line_and_never_fatal(
    env: Path,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    script: str,
    timeout: float,
    expected: str | None,
) -> None:
    httpserver.expect_request("/tech.xml").respond_with_data(
        rss("Tech", numbered_items(2, "Tech")), content_type="application/rss+xml"
    )
    config = write_config(env / "config.toml", [("Tech", httpserver.url_for("/tech.xml"), [])])
    command = json.dumps([sys.executable, "-c", script])
    append(config, f'\n[[hooks]]\nquery = "=tech"\ncommand = {command}\ntimeout = {timeout}\n')
    code, out, err = run(capsys, "refresh", "--json")
    assert code == 0
    assert json.loads(out)["new_items"] == 2
    hook_lines = [line for line in err.splitlines() if "hook" in line]
    if expected is None:
        assert hook_lines == []
    else:
        assert len(hook_lines) == 1 and expected in hook_lines[0]


def test_missing_hook_command_is_reported(
    env: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/tech.xml").respond_with_data(
        rss("Tech", numbered_items(1, "Tech")), content_type="application/rss+xml"
    )
    config = write_config(env / "config.toml", [("Tech", httpserver.url_for("/tech.xml"), [])])
    append(config, '\n[[hooks]]\nquery = "tech"\ncommand = ["/nonexistent/hook-program"]\n')
    code, _, err = run(capsys, "refresh")
    assert code == 0 and "command not found: /nonexistent/hook-program" in err
