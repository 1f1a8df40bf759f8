"""Every CLI command through the real entry point, on a real SQLite file and a local HTTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.feeds import numbered_items, rss
from tui_reader.cli import main
from tui_reader.models import ArticleQuery
from tui_reader.store import Store

HOSTILE_TITLE = "[bold red]Pwned[/] \x1b]52;c;ZXZpbA==\x07\x1b[2J [@click=app.quit]x[/]"


def write_config(path: Path, feeds: list[tuple[str, str, list[str]]], **settings: object) -> Path:
    lines = ["[settings]", "timeout = 3", "refresh_interval = 0"]
    # The items link to example.org: never fetch their pages (tests stay on 127.0.0.1).
    settings.setdefault("full_articles", "never")
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    for name, url, tags in feeds:
        lines += [
            "",
            "[[feeds]]",
            f"name = {json.dumps(name)}",
            f"url = {json.dumps(url)}",
            f"tags = {json.dumps(tags)}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def served(env: Path, httpserver: HTTPServer) -> HTTPServer:
    """Two good feeds and one broken one, configured in env's config."""
    httpserver.expect_request("/tech.xml").respond_with_data(
        rss("Tech", numbered_items(5, "Tech")), content_type="application/rss+xml"
    )
    mobile = numbered_items(3, "Mobile", day=21)
    mobile[0]["title"] = HOSTILE_TITLE
    httpserver.expect_request("/mobile.xml").respond_with_data(
        rss("Mobile", mobile), content_type="application/rss+xml"
    )
    httpserver.expect_request("/broken.xml").respond_with_data("gone", status=404)
    write_config(
        env / "config.toml",
        [
            ("Tech", httpserver.url_for("/tech.xml"), ["tech", "fr"]),
            ("Mobile", httpserver.url_for("/mobile.xml"), ["mobile", "fr"]),
            ("Broken", httpserver.url_for("/broken.xml"), ["tech"]),
        ],
    )
    return httpserver


def test_refresh_json_shape_and_per_feed_errors(served: HTTPServer, capsys) -> None:
    code, out, _ = run(capsys, "refresh", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"feeds", "new_items", "elapsed_s", "accounts", "full_text"}
    assert data["accounts"] == []  # no [[accounts]] in this config
    assert set(data["full_text"]) == {"fetched", "failed", "skipped"}
    by_name = {feed["name"]: feed for feed in data["feeds"]}
    assert set(by_name["Tech"]) == {"name", "url", "status", "new_items", "error"}
    assert by_name["Tech"]["status"] == "ok" and by_name["Tech"]["new_items"] == 5
    assert by_name["Mobile"]["new_items"] == 3
    assert by_name["Broken"]["status"] == "error"
    assert "404" in by_name["Broken"]["error"] and "\n" not in by_name["Broken"]["error"]
    assert data["new_items"] == 8
    assert isinstance(data["elapsed_s"], float)

    code, out, _ = run(capsys, "refresh", "--json")
    again = {feed["name"]: feed for feed in json.loads(out)["feeds"]}
    assert again["Tech"]["new_items"] == 0
    assert again["Tech"]["status"] in ("ok", "not_modified")


def test_refresh_one_feed_and_unknown_feed(served: HTTPServer, capsys) -> None:
    code, out, _ = run(capsys, "refresh", "--json", "--feed", "Mobile")
    assert code == 0
    assert [feed["name"] for feed in json.loads(out)["feeds"]] == ["Mobile"]
    code, _, err = run(capsys, "refresh", "--feed", "Nope")
    assert code == 2 and "Nope" in err


def test_headlines_filters_and_json_shape(served: HTTPServer, capsys) -> None:
    run(capsys, "refresh")
    code, out, _ = run(capsys, "headlines", "--json", "--limit", "100")
    assert code == 0
    items = json.loads(out)
    assert len(items) == 8
    assert set(items[0]) == {
        "id",
        "feed",
        "title",
        "link",
        "author",
        "published",
        "tags",
        "read",
        "bookmarked",
        "account",
    }
    assert all(item["account"] is None for item in items)  # feeds of [[feeds]]
    published = [item["published"] for item in items]
    assert published == sorted(published, reverse=True)
    assert all(item["published"].endswith("+00:00") for item in items)

    def ids(*args: str) -> list[str]:
        code, out, _ = run(capsys, "headlines", "--json", *args)
        assert code == 0
        return [item["feed"] for item in json.loads(out)]

    assert set(ids("--tag", "mobile")) == {"Mobile"}
    assert set(ids("--tag", "fr", "--tag", "tech")) == {"Tech"}
    assert ids("--tag", "mobile", "--tag", "tech") == []
    assert set(ids("--feed", "Tech")) == {"Tech"}
    assert len(ids("--limit", "2")) == 2
    assert len(ids("--search", "economie")) == 8
    assert set(ids("--search", "+mobile")) == {"Mobile"}
    assert set(ids("--search=-mobile")) == {"Tech"}
    assert set(ids("--search", "-mobile")) == {"Tech"}
    assert set(ids("--search", "-mobile -tech")) == set()
    assert set(ids("--search", "=mob")) == {"Mobile"}

    first = items[0]["id"]
    assert run(capsys, "mark-read", str(first))[0] == 0
    assert first not in [
        item["id"] for item in json.loads(run(capsys, "headlines", "--json", "--unread")[1])
    ]
    assert len(json.loads(run(capsys, "headlines", "--json", "--search", "is:unread")[1])) == 7


def test_titles_are_data_in_every_output(served: HTTPServer, capsys) -> None:
    run(capsys, "refresh")
    _, out, _ = run(capsys, "headlines", "--json", "--feed", "Mobile")
    titles = [item["title"] for item in json.loads(out)]
    hostile = next(t for t in titles if "Pwned" in t)
    assert "[bold red]Pwned[/]" in hostile and "[@click=app.quit]x[/]" in hostile
    assert not any(ch in hostile for ch in "\x1b\x07")
    _, table, _ = run(capsys, "headlines", "--feed", "Mobile")
    assert "[bold red]Pwned[/]" in table and "\x1b" not in table
    item_id = next(item["id"] for item in json.loads(out) if "Pwned" in item["title"])
    code, shown, _ = run(capsys, "show", str(item_id))
    assert code == 0
    assert "[bold red]Pwned[/]" in shown and "\x1b]52" not in shown


def test_show_prints_the_article(served: HTTPServer, capsys) -> None:
    run(capsys, "refresh")
    items = json.loads(run(capsys, "headlines", "--json", "--feed", "Tech")[1])
    code, out, _ = run(capsys, "show", str(items[0]["id"]))
    assert code == 0
    assert items[0]["title"] in out and "économie numérique" in out
    code, _, err = run(capsys, "show", "999999")
    assert code == 2 and "999999" in err


def test_bookmarks_survive_refresh_and_export_formats(served: HTTPServer, capsys) -> None:
    run(capsys, "refresh")
    items = json.loads(run(capsys, "headlines", "--json", "--feed", "Tech")[1])
    target = items[1]
    assert run(capsys, "bookmark", str(target["id"]))[0] == 0
    run(capsys, "refresh")
    bookmarks = json.loads(run(capsys, "bookmarks", "--json")[1])
    assert [b["id"] for b in bookmarks] == [target["id"]]
    assert bookmarks[0]["bookmarked"] is True
    markdown = run(capsys, "bookmarks", "--markdown")[1]
    assert f"[{target['title']}](<{target['link']}>)" in markdown
    assert run(capsys, "unbookmark", str(target["id"]))[0] == 0
    assert json.loads(run(capsys, "bookmarks", "--json")[1]) == []


def test_bookmarks_survive_purge_and_feed_removal(served: HTTPServer, env: Path, capsys) -> None:
    run(capsys, "refresh")
    items = json.loads(run(capsys, "headlines", "--json", "--feed", "Tech")[1])
    run(capsys, "bookmark", str(items[0]["id"]))
    for item in items:
        run(capsys, "mark-read", str(item["id"]))
    # keep_days = 1 purges every read item dated November 2026 except the bookmark.
    write_config(
        env / "config.toml", [("Tech", served.url_for("/tech.xml"), ["tech"])], keep_days=1
    )
    run(capsys, "refresh")
    with Store.open(env / "data" / "tui-reader.db") as store:
        assert store.count(ArticleQuery(bookmarked=True)) == 1
    write_config(env / "config.toml", [("Mobile", served.url_for("/mobile.xml"), ["mobile"])])
    run(capsys, "refresh")
    bookmarks = json.loads(run(capsys, "bookmarks", "--json")[1])
    assert [b["id"] for b in bookmarks] == [items[0]["id"]]


def test_conditional_get_answers_304(env: Path, httpserver: HTTPServer, capsys) -> None:
    body = rss("Tech", numbered_items(2))
    httpserver.expect_request("/feed.xml", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        body, content_type="application/rss+xml", headers={"ETag": '"v1"'}
    )
    write_config(env / "config.toml", [("Tech", httpserver.url_for("/feed.xml"), [])])
    first = json.loads(run(capsys, "refresh", "--json")[1])
    assert first["feeds"][0]["status"] == "ok"
    second = json.loads(run(capsys, "refresh", "--json")[1])
    assert second["feeds"][0]["status"] == "not_modified"


def test_demo_works_offline(tmp_path: Path, capsys) -> None:
    data = tmp_path / "demo-data"
    code, out, _ = run(
        capsys, "--demo", "--data-dir", str(data), "headlines", "--json", "--limit", "100"
    )
    assert code == 0
    items = json.loads(out)
    assert any(
        item["title"].startswith("Face à son interdiction aux USA, TikTok") for item in items
    )
    assert {"tech", "fr"} <= {tag for item in items for tag in item["tags"]}
    tiktok = next(item for item in items if "TikTok" in item["title"])
    code, out, _ = run(capsys, "--demo", "--data-dir", str(data), "show", str(tiktok["id"]))
    assert code == 0 and "Vanessa Pappas" in out
    code, out, _ = run(capsys, "--demo", "refresh", "--json")
    assert code == 0 and all(feed["status"] == "ok" for feed in json.loads(out)["feeds"])


def test_bad_config_exits_2_with_file_line_key(env: Path, capsys) -> None:
    (env / "config.toml").write_text(
        '[settings]\nconcurrency = 500\n\n[[feeds]]\nname = "X"\nurl = "ftp://x"\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "check-config")
    assert code == 2
    lines = err.strip().splitlines()
    assert any(line.startswith(f"{env / 'config.toml'}:2: settings.concurrency:") for line in lines)
    assert any(":6: " in line and "url" in line for line in lines)
    code, _, _ = run(capsys, "headlines")
    assert code == 2


def test_check_config_ok_and_config_init_never_overwrites(env: Path, capsys) -> None:
    code, out, _ = run(capsys, "config-init")
    assert code == 0 and (env / "config.toml").is_file()
    original = (env / "config.toml").read_bytes()
    code, _, err = run(capsys, "config-init")
    assert code == 2 and "already exists" in err
    assert (env / "config.toml").read_bytes() == original
    code, out, _ = run(capsys, "check-config")
    assert code == 0 and "OK" in out


def test_import_and_export(env: Path, capsys) -> None:
    (env / "config.toml").write_text(
        "# my feeds\n[settings]\nconcurrency = 4  # be gentle\n", encoding="utf-8"
    )
    urls = env / "urls"
    urls.write_text(
        'https://korben.info/feed tech "~Korben"\nhttps://next.ink/feed/ tech securite\n'
        "# comment\nhttps://korben.info/feed dup\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "import", str(urls))
    assert code == 0 and "added 2" in out
    text = (env / "config.toml").read_text(encoding="utf-8")
    assert "# my feeds" in text and "# be gentle" in text and 'name = "Korben"' in text
    code, out, _ = run(capsys, "export")
    assert code == 0
    assert 'xmlUrl="https://korben.info/feed"' in out and 'category="tech,securite"' in out
    target = env / "out.opml"
    assert run(capsys, "export", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("<?xml")


def test_corrupt_database_is_reported_and_left_alone(env: Path, capsys) -> None:
    write_config(env / "config.toml", [])
    db = env / "data" / "tui-reader.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database" * 100)
    before = db.read_bytes()
    code, _, err = run(capsys, "headlines")
    assert code == 1
    assert str(db) in err and len(err.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_python_m_and_console_script(env: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui_reader", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "headlines" in result.stdout
    script = Path(sys.executable).with_name("tui-reader")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "tui-reader" in result.stdout


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`tui-reader headlines | head`: the reader of the output goes away first."""
    script = Path(sys.executable).with_name("tui-reader")
    data = str(tmp_path / "demo-data")
    proc = subprocess.Popen(
        [str(script), "--demo", "--data-dir", data, "headlines", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # nobody reads: the first write fails with EPIPE
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert err == ""


def test_usage_errors_exit_2(env: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui_reader", "headlines", "--limit", "zero"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    assert result.returncode == 2


def test_show_says_when_only_a_summary_is_stored(tmp_path: Path, capsys) -> None:
    data = str(tmp_path / "demo-data")
    items = json.loads(run(capsys, "--demo", "--data-dir", data, "headlines", "--json",
                           "--feed", "Korben (démo)")[1])  # fmt: skip
    code, out, _ = run(capsys, "--demo", "--data-dir", data, "show", str(items[0]["id"]))
    assert code == 0
    assert f"tui-reader show {items[0]['id']} --full" in out
