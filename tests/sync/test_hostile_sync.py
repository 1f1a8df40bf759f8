"""Hostile or broken servers: every failure is one line per account, secrets never shown."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.greader_server import GReaderServer, GReaderState, sample_state
from tui_reader.models import AccountConfig, ArticleQuery
from tui_reader.store import Store
from tui_reader.sync.engine import sync_account

SECRET = "hunter2-but-longer"
FEVER_FEEDS = {
    "api_version": 3,
    "auth": 1,
    "feeds": [{"id": 1, "title": "Feed", "url": "https://example.org/f"}],
    "groups": [{"id": 1, "title": "Tech"}],
    "feeds_groups": [{"group_id": 1, "feed_ids": "1"}],
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "db.sqlite") as opened:
        yield opened


@pytest.fixture
def server() -> Iterator[GReaderServer]:
    running = GReaderServer(GReaderState())
    yield running
    running.close()


def fever(url: str) -> AccountConfig:
    return AccountConfig("maison", "fever", url, "me@example.org", password=SECRET)


def fever_answering(server: GReaderServer, **answers: object) -> None:
    """A Fever endpoint at /fever/: `answers[command]` is the JSON (or bytes) for a command."""

    def answer(method: str, raw_path: str) -> tuple[int, dict[str, str], bytes]:
        query = raw_path.split("?", 1)[1] if "?" in raw_path else ""
        commands = [part.split("=")[0] for part in query.split("&")]
        for command in commands:
            if command in answers:
                value = answers[command]
                if isinstance(value, bytes):
                    return 200, {}, value
                if isinstance(value, tuple):
                    return value  # type: ignore[return-value]
                return 200, {"Content-Type": "application/json"}, json.dumps(value).encode()
        if "groups" in commands or "feeds" in commands:
            return 200, {}, json.dumps(FEVER_FEEDS).encode()
        base = {"api_version": 3, "auth": 1, "unread_item_ids": "", "saved_item_ids": ""}
        return 200, {}, json.dumps({**base, "items": []}).encode()

    server.state.override = answer


def check_error(result: object, expected: str) -> None:
    assert result.status == "error"  # type: ignore[attr-defined]
    error = result.error  # type: ignore[attr-defined]
    assert isinstance(error, str) and "\n" not in error and len(error) <= 300
    assert expected in error, error
    assert SECRET not in error


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"api": b"<html>Sign in</html>"}, "the server's answer is not JSON"),
        ({"api": (500, {}, SECRET.encode())}, "server error (HTTP 500)"),
        ({"api": (502, {}, b"bad gateway")}, "server error (HTTP 502)"),
        ({"api": (401, {}, b"no")}, "wrong username or password (HTTP 401)"),
        ({"api": (403, {}, b"no")}, "wrong username or password (HTTP 403)"),
        ({"api": {"api_version": 3, "auth": 0}}, "wrong username or password"),
        ({"api": [1, 2, 3]}, "not a Fever API answer"),
        ({"unread_item_ids": {"auth": 1, "unread_item_ids": "1,2,x"}}, "not numbers"),
        ({"unread_item_ids": {"auth": 1, "unread_item_ids": "1,-2"}}, "not numbers"),
        ({"saved_item_ids": {"auth": 1, "saved_item_ids": {"a": 1}}}, "not numbers"),
        (
            {
                "groups": {
                    "auth": 1,
                    "groups": [{"id": 1, "title": "T"}],
                    "feeds_groups": [{"group_id": 1, "feed_ids": "z"}],
                }
            },
            "not numbers",
        ),
        ({"api": (404, {}, b"")}, "the server answered HTTP 404"),
    ],
)
async def test_fever_bad_answers(
    server: GReaderServer, store: Store, answers: dict[str, object], expected: str
) -> None:
    fever_answering(server, **answers)
    result = await sync_account(
        fever(f"http://127.0.0.1:{server.server.server_port}/fever/"), store
    )
    check_error(result, expected)


async def test_huge_answer_is_cut_off(server: GReaderServer, store: Store) -> None:
    fever_answering(server, api=b"[" + b"1," * 200_000 + b"1]")
    url = f"http://127.0.0.1:{server.server.server_port}/fever/"
    result = await sync_account(fever(url), store, max_bytes=100_000)
    check_error(result, "the answer is larger than 100 kB; stopped")


async def test_slow_server_times_out(server: GReaderServer, store: Store) -> None:
    def slow(method: str, path: str) -> None:
        time.sleep(2)

    server.state.override = slow  # type: ignore[assignment]
    url = f"http://127.0.0.1:{server.server.server_port}/fever/"
    result = await sync_account(fever(url), store, timeout=0.3)
    check_error(result, "the server did not answer within 0.3 s")


async def test_unreachable_servers(store: Store) -> None:
    refused = await sync_account(fever("http://127.0.0.1:9/fever/"), store)
    check_error(refused, "connection refused")
    unknown = await sync_account(fever("http://no-such-host.invalid/fever/"), store, timeout=5)
    check_error(unknown, "")


async def test_hostile_items_pass_the_feed_items_gate(server: GReaderServer, store: Store) -> None:
    items = [
        {
            "id": 1,
            "feed_id": 1,
            "title": "[bold red]Pwned[/] \x1b[2J\x07 <b>x</b>",
            "author": "\x1b]52;c;ZXZpbA==\x07Mallory",
            "html": '<p>Hi <a href="javascript:alert(1)">link</a>[reverse]m[/reverse]</p>'
            "<script>alert(1)</script>",
            "url": "javascript:alert(1)",
            "is_read": 0,
            "is_saved": 0,
            "created_on_time": 99_999_999_999,
        },
        {"id": "not a number", "feed_id": 1, "title": "dropped"},
        {"id": 2, "feed_id": 77, "title": "feed the server did not list"},
        "not an object",
    ]
    fever_answering(
        server,
        unread_item_ids={"auth": 1, "unread_item_ids": "1,2"},
        with_ids={"auth": 1, "items": items},
    )
    url = f"http://127.0.0.1:{server.server.server_port}/fever/"
    result = await sync_account(fever(url), store)
    assert (result.status, result.new_items) == ("ok", 1), result.error
    [headline] = store.headlines(ArticleQuery(), limit=10)
    article = store.get_article(headline.id)
    assert article is not None
    assert article.title == "[bold red]Pwned[/] x"
    assert "\x1b" not in article.author and "\x07" not in article.author
    assert article.link == ""
    assert "javascript" not in article.body and "alert" not in article.body
    assert "[reverse]m[/reverse]" in article.body.replace("\\", "")
    assert article.published < "2100"  # a date in the far future is clamped
    assert article.tags == ("Tech",)


async def test_greader_hostile_answers(store: Store) -> None:
    state = sample_state(int(time.time()))
    server = GReaderServer(state)
    account = AccountConfig("g", "greader", server.url, "me", password=state.password)
    try:
        state.override = lambda m, p: (200, {}, b"SID=x\nLSID=y\n") if "ClientLogin" in p else None
        check_error(await sync_account(account, store), "wrong username or password")
        state.override = lambda m, p: (
            (200, {}, b'{"itemRefs": [{"id": "12abc"}]}') if "items/ids" in p else None
        )
        check_error(await sync_account(account, store), "not numbers")
        state.override = lambda m, p: (
            (200, {}, b'{"itemRefs": [{"id": "1"}], "continuation": "same"}')
            if "items/ids" in p
            else None
        )
        check_error(await sync_account(account, store), "repeats the same page")
        state.override = lambda m, p: (
            (200, {}, b"<html></html>") if "subscription/list" in p else None
        )
        check_error(await sync_account(account, store), "not JSON")
        state.override = None
        assert (await sync_account(account, store)).status == "ok"
    finally:
        server.close()


def test_secret_bearing_objects_never_show_the_secret() -> None:
    from tui_reader.sync.accounts import Secret, resolve_password
    from tui_reader.sync.fever import FeverClient
    from tui_reader.sync.http import HttpClient

    account = fever("https://example.org/fever/")
    assert SECRET not in repr(account) and SECRET not in str(account)
    secret = resolve_password(account)
    assert SECRET not in repr(secret) + str(secret) and secret.reveal() == SECRET
    with pytest.raises(TypeError):
        __import__("pickle").dumps(secret)
    http = HttpClient()
    client = FeverClient(account, secret, http)
    assert SECRET not in repr(client) + repr(http) + repr(vars(client))
    assert isinstance(client._api_key, Secret)
    assert http.fail(f"echo {SECRET} and {client._api_key.reveal()}").args[0] == "echo *** and ***"


def test_password_sources(tmp_path: Path) -> None:
    from tui_reader.sync.accounts import SyncError, resolve_password

    base = AccountConfig("a", "fever", "https://example.org/", "me")
    from dataclasses import replace

    script = ["python3", "-c", "print('from-command')"]
    assert (
        resolve_password(replace(base, password_command=tuple(script))).reveal() == "from-command"
    )
    assert (
        resolve_password(replace(base, password_env="PW"), {"PW": "from-env"}).reveal()
        == "from-env"
    )
    with pytest.raises(SyncError, match="PW"):
        resolve_password(replace(base, password_env="PW"), {})
    failing = ("python3", "-c", f"import sys; print('{SECRET}'); sys.exit(3)")
    with pytest.raises(SyncError) as info:
        resolve_password(replace(base, password_command=failing))
    assert str(info.value) == "password_command failed (exit status 3)"
    with pytest.raises(SyncError, match="not found"):
        resolve_password(replace(base, password_command=("no-such-program-xyz",)))
    # No shell: a shell metacharacter is only an argument.
    echo = ("python3", "-c", "import sys; print(sys.argv[1])", "$(id)")
    assert resolve_password(replace(base, password_command=echo)).reveal() == "$(id)"


async def test_fever_push_failure_keeps_the_outbox(server: GReaderServer, store: Store) -> None:
    from tui_reader.sync import localstate

    items = [
        {"id": n, "feed_id": 1, "title": f"Item {n}", "html": "<p>x</p>", "url": "", "is_read": 0}
        for n in (1, 2, 3)
    ]
    fever_answering(
        server,
        unread_item_ids={"auth": 1, "unread_item_ids": "1,2,3"},
        with_ids={"auth": 1, "items": items},
    )
    url = f"http://127.0.0.1:{server.server.server_port}/fever/"
    assert (await sync_account(fever(url), store)).new_items == 3
    ids = [a.id for a in store.headlines(ArticleQuery(), limit=10)]
    store.set_read(ids, True)
    server.state.override = lambda m, p: (500, {}, b"down")
    failed = await sync_account(fever(url), store)
    check_error(failed, "server error (HTTP 500)")
    assert failed.pushed == 0 and localstate.outbox_size(store, "maison") == 3
    # A server that says auth 0 to a mark is not believed either.
    fever_answering(server, api={"api_version": 3, "auth": 0})
    check_error(await sync_account(fever(url), store), "wrong username or password")
    assert localstate.outbox_size(store, "maison") == 3
    fever_answering(server, unread_item_ids={"auth": 1, "unread_item_ids": ""})
    done = await sync_account(fever(url), store)
    assert (done.status, done.pushed) == ("ok", 3)
    assert localstate.outbox_size(store, "maison") == 0
    assert store.count(ArticleQuery(unread=True)) == 0
    marks = [p for m, path, p in server.state.log if m == "POST" and ("mark", "item") in p]
    assert sorted(dict(p)["id"] for p in marks[-3:]) == ["1", "2", "3"]
