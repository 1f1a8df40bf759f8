"""Fever sync against a live coldsweat 0.10.2 (see coldsweat.py): the real server, the real CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.feeds import rss
from tests.sync.coldsweat import PASSWORD, Coldsweat
from tests.sync.conftest import Cli, FeedServer, account_toml, items
from tui_reader.config import load_config
from tui_reader.models import ArticleQuery
from tui_reader.store import Store
from tui_reader.sync.engine import sync_all


def setup_cli(cli: Cli, server: Coldsweat, extra: str = "") -> None:
    text, _password = account_toml(server.url)
    cli.write_config(extra + text)


def headlines(cli: Cli) -> list[dict[str, object]]:
    result = cli.json("headlines", "--json", "--limit", "1000")
    assert isinstance(result, list)
    return result


def by_title(cli: Cli) -> dict[str, dict[str, object]]:
    return {str(item["title"]): item for item in headlines(cli)}


def server_ids(server: Coldsweat, command: str) -> set[int]:
    value = server.api(command)[command]
    assert isinstance(value, str)
    return {int(part) for part in value.split(",") if part}


def remote_id(server: Coldsweat, title: str) -> int:
    answer = server.api("items", since_id="0")
    found = [item["id"] for item in answer["items"] if item["title"] == title]  # type: ignore[index, union-attr]
    assert len(found) == 1
    return int(found[0])


def test_first_sync_brings_every_item_with_groups_as_tags(cli: Cli, coldsweat: Coldsweat) -> None:
    setup_cli(cli, coldsweat)
    # Read on another client before the first sync: in no id list, it must come all the same.
    coldsweat.api(mark="item", **{"as": "read", "id": str(remote_id(coldsweat, "Tech 2"))})
    summary = cli.json("sync", "--json")
    assert summary["accounts"] == [  # type: ignore[index]
        {
            "name": "maison",
            "kind": "fever",
            "status": "ok",
            "new_items": 5,
            "pushed": 0,
            "error": None,
        }
    ]
    items_ = by_title(cli)
    assert set(items_) == {"Tech 0", "Tech 1", "Tech 2", "Sport 0", "Sport 1"}
    assert items_["Tech 1"]["tags"] == ["Tech", "serveur"]
    assert items_["Sport 0"]["tags"] == ["Sport", "serveur"]
    assert items_["Tech 1"]["feed"] == "Tech news"
    assert all(item["account"] == "maison" for item in items_.values())
    assert [title for title, item in items_.items() if item["read"]] == ["Tech 2"]
    tagged = cli.json("headlines", "--json", "--tag", "Sport")
    assert {item["title"] for item in tagged} == {"Sport 0", "Sport 1"}  # type: ignore[union-attr]
    shown = cli.run("show", str(items_["Tech 1"]["id"])).stdout
    assert "Texte de l’article 1" in shown and "<p>" not in shown


def test_account_feeds_stay_beside_local_feeds(cli: Cli, coldsweat: Coldsweat) -> None:
    feed_server: FeedServer = coldsweat.feeds
    feed_server.documents["/local.xml"] = rss("Local", items("Local", 2))
    local = f'[[feeds]]\nname = "Locale"\nurl = "{feed_server.url("/local.xml")}"\n\n'
    setup_cli(cli, coldsweat, extra=local)
    result = cli.json("refresh", "--json")
    assert result["feeds"][0]["status"] == "ok"  # type: ignore[index]
    assert result["accounts"][0]["status"] == "ok"  # type: ignore[index]
    assert result["accounts"][0]["new_items"] == 5  # type: ignore[index]
    accounts = {str(item["title"]): item["account"] for item in headlines(cli)}
    assert accounts["Local 0"] is None and accounts["Tech 0"] == "maison"
    # A later refresh (which aligns the stored feeds with the config) keeps the account's.
    cli.run("refresh")
    assert len(headlines(cli)) == 7


async def test_incremental_sync_costs_a_handful_of_requests(
    tmp_path: Path, coldsweat: Coldsweat
) -> None:
    feed_server: FeedServer = coldsweat.feeds
    import os

    os.environ["TEST_SYNC_PASSWORD"] = PASSWORD
    config_path = tmp_path / "c.toml"
    config_path.write_text(account_toml(coldsweat.url)[0], encoding="utf-8")
    config = load_config(config_path)
    with Store.open(tmp_path / "db.sqlite") as store:
        first = (await sync_all(config, store)).accounts[0]
        assert (first.status, first.new_items) == ("ok", 5)
        again = (await sync_all(config, store)).accounts[0]
        assert (again.status, again.new_items, again.error) == ("ok", 0, None)
        assert again.requests <= 5
        # Two new items on the server: only they come.
        feed_server.documents["/tech.xml"] = rss("Tech", items("Tech", 5))
        coldsweat.fetch()
        # One of them is read on another client first: in no id list, it comes all the same.
        coldsweat.api(mark="item", **{"as": "read", "id": str(remote_id(coldsweat, "Tech 4"))})
        third = (await sync_all(config, store)).accounts[0]
        assert (third.status, third.new_items) == ("ok", 2)
        assert third.requests <= 9
        assert store.count(ArticleQuery()) == 7
        titles = {a.title: a.read for a in store.headlines(ArticleQuery(), limit=50)}
        assert titles["Tech 3"] is False and titles["Tech 4"] is True


def test_local_changes_reach_the_server(cli: Cli, coldsweat: Coldsweat) -> None:
    setup_cli(cli, coldsweat)
    cli.run("sync")
    items_ = by_title(cli)
    tech0, tech1, sport0 = (items_[t]["id"] for t in ("Tech 0", "Tech 1", "Sport 0"))
    cli.run("mark-read", str(tech0))
    cli.run("bookmark", str(tech1))
    cli.run("bookmark", str(sport0))
    result = cli.json("sync", "--json")
    assert result["accounts"][0]["pushed"] == 3  # type: ignore[index]
    assert remote_id(coldsweat, "Tech 0") not in server_ids(coldsweat, "unread_item_ids")
    saved = server_ids(coldsweat, "saved_item_ids")
    assert saved == {remote_id(coldsweat, "Tech 1"), remote_id(coldsweat, "Sport 0")}
    # Unbookmark and mark unread travel too; nothing is pushed twice.
    cli.run("unbookmark", str(sport0))
    with Store.open(cli.data_dir / "tui-reader.db") as store:
        store.set_read([int(str(tech0))], False)  # the store path of `mark-unread`
    result = cli.json("sync", "--json")
    assert result["accounts"][0]["pushed"] == 2  # type: ignore[index]
    assert remote_id(coldsweat, "Tech 0") in server_ids(coldsweat, "unread_item_ids")
    assert server_ids(coldsweat, "saved_item_ids") == {remote_id(coldsweat, "Tech 1")}
    assert cli.json("sync", "--json")["accounts"][0]["pushed"] == 0  # type: ignore[index]
    items_ = by_title(cli)
    assert items_["Tech 1"]["bookmarked"] and not items_["Sport 0"]["bookmarked"]
    assert not items_["Tech 0"]["read"]


def test_mark_all_shown_as_read_reaches_the_server(cli: Cli, coldsweat: Coldsweat) -> None:
    setup_cli(cli, coldsweat)
    cli.run("sync")
    with Store.open(cli.data_dir / "tui-reader.db") as store:
        marked = store.mark_all_read(ArticleQuery(tags=("Tech",)))
    assert len(marked) == 3
    assert cli.json("sync", "--json")["accounts"][0]["pushed"] == 3  # type: ignore[index]
    unread = server_ids(coldsweat, "unread_item_ids")
    assert unread == {remote_id(coldsweat, "Sport 0"), remote_id(coldsweat, "Sport 1")}


def test_changes_made_on_the_server_appear_locally(cli: Cli, coldsweat: Coldsweat) -> None:
    setup_cli(cli, coldsweat)
    cli.run("sync")
    # Another client (a phone) saves one item and reads another.
    coldsweat.api(mark="item", **{"as": "saved", "id": str(remote_id(coldsweat, "Sport 1"))})
    coldsweat.api(mark="item", **{"as": "read", "id": str(remote_id(coldsweat, "Tech 2"))})
    result = cli.json("sync", "--json")
    assert result["accounts"][0]["status"] == "ok"  # type: ignore[index]
    items_ = by_title(cli)
    assert items_["Sport 1"]["bookmarked"] is True
    assert items_["Tech 2"]["read"] is True
    assert [i["title"] for i in cli.json("bookmarks", "--json")] == ["Sport 1"]  # type: ignore[union-attr]


def test_server_down_keeps_changes_and_pushes_them_when_back(
    cli: Cli, coldsweat: Coldsweat
) -> None:
    feed_server: FeedServer = coldsweat.feeds
    feed_server.documents["/local.xml"] = rss("Local", items("Local", 1))
    local = f'[[feeds]]\nname = "Locale"\nurl = "{feed_server.url("/local.xml")}"\n\n'
    setup_cli(cli, coldsweat, extra=local)
    cli.run("refresh")
    tech0 = by_title(cli)["Tech 0"]["id"]
    coldsweat.stop()
    cli.run("mark-read", str(tech0))
    cli.run("bookmark", str(tech0))
    done = cli.run("sync", "--json")
    account = __import__("json").loads(done.stdout)["accounts"][0]
    assert account["status"] == "error" and account["pushed"] == 0
    assert "connection refused" in account["error"]
    assert "\n" not in account["error"]
    # The local feed is unaffected by the account's failure.
    refresh = cli.json("refresh", "--json")
    assert refresh["feeds"][0]["status"] in ("ok", "not_modified")  # type: ignore[index]
    assert refresh["accounts"][0]["status"] == "error"  # type: ignore[index]
    item = by_title(cli)["Tech 0"]
    assert item["read"] is True and item["bookmarked"] is True
    with sqlite3.connect(cli.data_dir / "tui-reader.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 2
    coldsweat.start()  # same port, same database
    result = cli.json("sync", "--json")
    assert result["accounts"][0]["status"] == "ok"  # type: ignore[index]
    assert result["accounts"][0]["pushed"] == 2  # type: ignore[index]
    tech0_remote = remote_id(coldsweat, "Tech 0")
    assert tech0_remote not in server_ids(coldsweat, "unread_item_ids")
    assert tech0_remote in server_ids(coldsweat, "saved_item_ids")
    item = by_title(cli)["Tech 0"]
    assert item["read"] is True and item["bookmarked"] is True
    with sqlite3.connect(cli.data_dir / "tui-reader.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0


def test_wrong_password_is_one_line_and_never_printed(cli: Cli, coldsweat: Coldsweat) -> None:
    wrong = "not-the-password-1234"
    cli.env["TEST_SYNC_PASSWORD"] = wrong
    setup_cli(cli, coldsweat)
    for args in (("sync",), ("sync", "--json"), ("--debug", "sync"), ("refresh", "--json")):
        done = cli.run(*args)
        assert done.returncode == 0
        assert wrong not in done.stdout + done.stderr
        assert "wrong username or password" in done.stdout
        assert len([line for line in done.stdout.splitlines() if "maison" in line]) <= 1
    assert headlines(cli) == []


def test_password_in_a_readable_config_is_a_warning(cli: Cli, coldsweat: Coldsweat) -> None:
    secret = "s3cret-in-the-file"
    cli.write_config(
        account_toml(coldsweat.url)[0].replace(
            'password_env = "TEST_SYNC_PASSWORD"', f'password = "{secret}"'
        )
    )
    cli.config.chmod(0o644)
    done = cli.run("check-config")
    assert done.returncode == 0
    assert f"{cli.config}:9: accounts[1].password: warning:" in done.stderr
    assert secret not in done.stdout + done.stderr
    cli.config.chmod(0o600)
    assert "warning" not in cli.run("check-config").stderr
