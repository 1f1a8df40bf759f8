"""Google Reader API sync against the local server written from FreshRSS's and Miniflux's docs."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.conftest import FeedServer
from tests.sync.greader_server import READ, STARRED, GReaderServer, Item, sample_state
from tui_reader.models import AccountConfig, ArticleQuery, Config
from tui_reader.store import Store
from tui_reader.sync import localstate
from tui_reader.sync.engine import sync_account, sync_all
from tui_reader.sync.greader import long_id, normalize_id

NOW = int(time.time())


@pytest.fixture
def server() -> Iterator[GReaderServer]:
    running = GReaderServer(sample_state(NOW))
    yield running
    running.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "db.sqlite") as opened:
        yield opened


def account(server: GReaderServer, password: str | None = None) -> AccountConfig:
    return AccountConfig(
        name="maison",
        kind="greader",
        url=server.url,
        username=server.state.username,
        password=password or server.state.password,
        tags=("serveur",),
    )


def titles(store: Store, **query: object) -> dict[str, object]:
    return {a.title: a for a in store.headlines(ArticleQuery(**query), limit=1000)}  # type: ignore[arg-type]


def test_ids_long_and_short_forms_are_one_id() -> None:
    assert normalize_id("tag:google.com,2005:reader/item/000000000000001F") == "31"
    assert normalize_id("31") == "31"
    assert normalize_id(-1) == str(2**64 - 1)
    assert long_id("31") == "tag:google.com,2005:reader/item/000000000000001f"
    for bad in ("abc", "tag:google.com,2005:reader/item/xyz", "1" * 30, None, 1.5, True):
        assert normalize_id(bad) is None


async def test_first_sync_brings_items_with_categories_as_tags(
    server: GReaderServer, store: Store
) -> None:
    server.state.items[1_700_000_000_000_001].read = True
    server.state.items[1_700_000_000_000_005].starred = True
    result = await sync_account(account(server), store)
    assert (result.status, result.new_items, result.error) == ("ok", 7, None)
    items = titles(store)
    assert set(items) == {f"Tech {n}" for n in range(4)} | {f"Sport {n}" for n in range(4, 7)}
    tech1 = items["Tech 1"]
    assert tech1.read and not tech1.bookmarked  # type: ignore[attr-defined]
    assert items["Sport 5"].bookmarked  # type: ignore[attr-defined]
    assert items["Tech 0"].tags == ("Tech", "serveur")  # type: ignore[attr-defined]
    assert items["Tech 0"].account == "maison"  # type: ignore[attr-defined]
    article = store.get_article(items["Tech 2"].id)  # type: ignore[attr-defined]
    assert article is not None and "**Tech**" in article.body and "<b>" not in article.body
    # Continuation was followed (3 ids a page), contents asked by long id.
    assert len(server.requests_to("stream/items/ids")) >= 5
    asked = [
        v for params in server.requests_to("stream/items/contents") for k, v in params if k == "i"
    ]
    assert all(v.startswith("tag:google.com,2005:reader/item/") for v in asked)


async def test_incremental_sync_with_nothing_new_is_a_handful_of_small_requests(
    server: GReaderServer, store: Store
) -> None:
    await sync_account(account(server), store)
    server.state.page_size = 10_000
    server.state.log.clear()
    again = await sync_account(account(server), store)
    assert (again.status, again.new_items) == ("ok", 0)
    assert again.requests <= 5
    assert server.requests_to("stream/items/contents") == []
    server.state.items[1_700_000_000_000_100] = Item(
        1_700_000_000_000_100, "feed/2", "Sport new", "<p>x</p>", "https://example.org/n", NOW
    )
    third = await sync_account(account(server), store)
    assert (third.status, third.new_items) == ("ok", 1)
    assert "Sport new" in titles(store)


async def test_each_local_change_is_pushed_once(server: GReaderServer, store: Store) -> None:
    await sync_account(account(server), store)
    items = titles(store)
    ids = {title: article.id for title, article in items.items()}  # type: ignore[attr-defined]
    store.set_read([ids["Tech 0"]], True)
    store.set_bookmarked(ids["Tech 1"], True)
    store.set_bookmarked(ids["Sport 4"], True)
    store.set_bookmarked(ids["Sport 4"], False)  # collapsed with the line above: one push
    store.mark_all_read(ArticleQuery(tags=("Sport",)))
    result = await sync_account(account(server), store)
    assert result.status == "ok"
    remote = server.state.items
    base = 1_700_000_000_000_000
    assert remote[base + 0].read and remote[base + 1].starred
    assert not remote[base + 4].starred
    assert all(remote[base + n].read for n in (4, 5, 6))
    assert not remote[base + 2].read
    assert localstate.outbox_size(store) == 0
    # Mark unread travels too; and a sync with nothing pending pushes nothing.
    store.set_read([ids["Tech 0"]], False)
    assert (await sync_account(account(server), store)).pushed == 1
    assert not remote[base + 0].read
    assert (await sync_account(account(server), store)).pushed == 0
    assert not titles(store)["Tech 0"].read  # type: ignore[attr-defined]


async def test_expired_write_token_is_fetched_again(server: GReaderServer, store: Store) -> None:
    await sync_account(account(server), store)
    server.state.token = "U" * 57  # the T token the client holds is now stale
    server.state.log.clear()
    article = titles(store)["Tech 3"]
    store.set_bookmarked(article.id, True)  # type: ignore[attr-defined]
    result = await sync_account(account(server), store)
    assert (result.status, result.pushed) == ("ok", 1)
    assert server.state.items[1_700_000_000_000_003].starred


async def test_changes_on_the_server_appear_locally(server: GReaderServer, store: Store) -> None:
    await sync_account(account(server), store)
    server.state.items[1_700_000_000_000_002].starred = True
    server.state.items[1_700_000_000_000_003].read = True
    await sync_account(account(server), store)
    items = titles(store)
    assert items["Tech 2"].bookmarked and items["Tech 3"].read  # type: ignore[attr-defined]


async def test_a_pending_local_change_wins_over_the_server(
    server: GReaderServer, store: Store
) -> None:
    await sync_account(account(server), store)
    tech0 = titles(store)["Tech 0"]
    store.set_read([tech0.id], True)  # type: ignore[attr-defined]
    # The pull never overwrites a field with a change still in the outbox.
    localstate.apply_remote_state(store, "maison", {"1700000000000000"}, set())
    assert titles(store)["Tech 0"].read  # type: ignore[attr-defined]
    # Writes fail on the server: the sync is an error, the change waits, nothing is pulled.
    server.state.override = lambda m, p: (503, {}, b"busy") if p.endswith("edit-tag") else None
    failed = await sync_account(account(server), store)
    assert failed.status == "error" and failed.error == "server error (HTTP 503)"
    assert localstate.outbox_size(store, "maison") == 1
    server.state.override = None
    done = await sync_account(account(server), store)
    assert (done.status, done.pushed) == ("ok", 1)
    assert server.state.items[1_700_000_000_000_000].read
    assert titles(store)["Tech 0"].read  # type: ignore[attr-defined]


async def test_wrong_password(server: GReaderServer, store: Store) -> None:
    secret = "this-is-not-it-99"
    result = await sync_account(account(server, password=secret), store)
    assert result.status == "error"
    assert result.error == "wrong username or password (HTTP 401)"
    assert secret not in repr(result) and secret not in repr(account(server, secret))
    assert store.count(ArticleQuery()) == 0


async def test_sync_all_reports_every_account(server: GReaderServer, store: Store) -> None:
    good = account(server)
    bad = AccountConfig("panne", "fever", "http://127.0.0.1:9/fever/", "me", password="x" * 12)
    summary = await sync_all(Config(accounts=(good, bad)), store)
    by_name = {r.name: r for r in summary.accounts}
    assert by_name["maison"].status == "ok" and by_name["panne"].status == "error"
    assert by_name["panne"].error == "connection refused"
    assert json.loads(json.dumps(summary.to_json()))["accounts"][1]["error"] == "connection refused"


def sync_command(
    tmp_path: Path, server: GReaderServer, full_articles: str
) -> tuple[list[str], dict[str, str]]:
    """The `tui-reader` argv and environment for a config with one GReader account on
    `server`, its password in $GR_PASSWORD (as a user would keep it out of the file)."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[settings]\nfull_articles = "{full_articles}"\n\n[[accounts]]\nname = "maison"\n'
        f'kind = "greader"\nurl = "{server.url}"\nusername = "me"\npassword_env = "GR_PASSWORD"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "GR_PASSWORD": server.state.password}
    argv = [sys.executable, "-m", "tui_reader", "--config", str(config)]
    return [*argv, "--data-dir", str(tmp_path / "data")], env


def test_kill_9_mid_sync_loses_nothing_and_applies_nothing_twice(tmp_path: Path) -> None:
    state = sample_state(NOW)
    base = 1_800_000_000_000_000
    for n in range(120):
        state.items[base + n] = Item(
            base + n, "feed/1", f"Bulk {n}", f"<p>{n}</p>", f"https://example.org/b/{n}", NOW - n
        )
    state.page_size = 10_000
    state.hang = threading.Event()
    state.hang_after = 1  # the second contents request hangs
    server = GReaderServer(state)
    try:
        argv, env = sync_command(tmp_path, server, full_articles="never")
        process = subprocess.Popen([*argv, "sync"], env=env, stdout=subprocess.DEVNULL)
        db = tmp_path / "data" / "tui-reader.db"

        def stored_articles() -> int:
            if not db.exists():
                return 0
            with sqlite3.connect(db, timeout=10) as conn:
                try:
                    return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
                except sqlite3.OperationalError:  # the schema is not there yet
                    return 0

        # The first batch is stored; the second request hangs: kill the sync right there.
        deadline = time.monotonic() + 60
        while len(server.requests_to("stream/items/contents")) < 2 or not stored_articles():
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        assert 0 < stored < 127  # killed in the middle
        # A local change made after the crash, then a full sync.
        with Store.open(db) as store:
            first = store.headlines(ArticleQuery(), limit=1)[0]
            store.set_bookmarked(first.id, True)
        state.hang.set()
        state.hang = None
        done = subprocess.run([*argv, "sync", "--json"], env=env, capture_output=True, text=True)
        result = json.loads(done.stdout)["accounts"][0]
        assert result["status"] == "ok" and result["pushed"] == 1
        assert result["new_items"] == 127 - stored
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 127
            guids = conn.execute("SELECT COUNT(DISTINCT guid) FROM articles").fetchone()[0]
            assert guids == 127
            assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0
        assert sum(item.starred for item in state.items.values()) == 1
        assert [k for p in server.requests_to("edit-tag") for k, v in p if v == STARRED] == ["a"]
        assert READ  # the read tag exists in the server's vocabulary
    finally:
        server.close()


def test_automatic_full_text_applies_to_an_account_s_summary_only_items(
    tmp_path: Path, feed_server: object
) -> None:

    assert isinstance(feed_server, FeedServer)
    paragraph = (
        "<p>Le texte complet de l’article, bien plus long que le résumé envoyé par le serveur "
        "de synchronisation, avec assez de phrases pour que l’extraction le garde entier.</p>"
    )
    feed_server.documents["/page.html"] = (
        "<html><head><title>Page</title></head><body><article><h1>Titre</h1>"
        + paragraph * 8
        + "</article></body></html>"
    ).encode()
    feed_server.content_types["/page.html"] = "text/html"
    state = sample_state(NOW)
    state.items = {
        42: Item(42, "feed/1", "Résumé seul", "<p>Court.</p>", feed_server.url("/page.html"), NOW)
    }
    server = GReaderServer(state)
    try:
        argv, env = sync_command(tmp_path, server, full_articles="auto")
        done = subprocess.run([*argv, "sync"], env=env, capture_output=True, text=True, check=True)
        assert "full articles: 1 fetched" in done.stdout
        with Store.open(tmp_path / "data" / "tui-reader.db") as store:
            [headline] = store.headlines(ArticleQuery(), limit=5)
            article = store.get_article(headline.id)
            assert article is not None and article.full_text is not None
            assert "Le texte complet de l’article" in article.full_text
    finally:
        server.close()


def test_sync_cli_one_account_and_unknown_account(
    server: GReaderServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui_reader.cli import main

    config = tmp_path / "config.toml"
    config.write_text(
        '[settings]\nfull_articles = "never"\n\n'
        f'[[accounts]]\nname = "maison"\nkind = "greader"\nurl = "{server.url}"\n'
        f'username = "me"\npassword = "{server.state.password}"\n\n'
        '[[accounts]]\nname = "panne"\nkind = "fever"\nurl = "http://127.0.0.1:9/"\n'
        'username = "me"\npassword = "whatever-123"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    base = ["--config", str(config), "--data-dir", str(tmp_path / "data")]
    assert main([*base, "sync", "--json", "--account", "maison"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [a["name"] for a in result["accounts"]] == ["maison"]
    assert result["accounts"][0]["new_items"] == 7
    assert main([*base, "sync"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["ok     maison: 0 new, 0 pushed", "error  panne: connection refused"]
    assert main([*base, "sync", "--account", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "tui-reader: no account named 'nope' in the config (maison, panne)"
    assert main([*base, "headlines", "--json", "--tag", "Tech"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert len(items) == 4 and {item["account"] for item in items} == {"maison"}
