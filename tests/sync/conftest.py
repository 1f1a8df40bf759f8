"""Sync fixtures: feeds served on 127.0.0.1, a live coldsweat, a store, a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.feeds import rss
from tests.sync.coldsweat import PASSWORD, Coldsweat, coldsweat_bin


class FeedServer:
    """Serves `documents[path]` (bytes) on 127.0.0.1; documents may change between requests."""

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}
        self.content_types: dict[str, str] = {}  # by path; RSS when missing
        documents = self.documents
        content_types = self.content_types

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = documents.get(self.path.split("?")[0])
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                kind = content_types.get(self.path.split("?")[0], "application/rss+xml")
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


def items(prefix: str, count: int, start: int = 0) -> list[dict[str, str]]:
    """RSS items, newest first, with distinct GUIDs."""
    return [
        {
            "title": f"{prefix} {n}",
            "link": f"https://example.org/{prefix.lower()}/{n}",
            "guid": f"{prefix}-{n}",
            "pubDate": f"{1 + n % 28:02d} Nov 2026 {n % 24:02d}:00:00 +0000",
            "description": f"<p>Texte de l’article {n} <b>{prefix}</b>, assez long pour compter "
            "comme un article entier et non comme un simple résumé de quelques mots.</p>",
        }
        for n in range(start, start + count)
    ]


@pytest.fixture(scope="session")
def coldsweat_ready() -> Path:
    """The coldsweat script (its virtualenv made once for the whole run)."""
    return coldsweat_bin()


BASE_FEEDS = {
    "/tech.xml": rss("Tech", items("Tech", 3)),
    "/sport.xml": rss("Sport", items("Sport", 2)),
}


@pytest.fixture(scope="module")
def coldsweat_template(
    coldsweat_ready: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Coldsweat, FeedServer]]:
    """A coldsweat database subscribed to two feeds in two groups, Tech (3 items) and Sport
    (2), made once per module; each test runs a server on its own copy."""
    feeds = FeedServer()
    feeds.documents.update(BASE_FEEDS)
    template = Coldsweat(tmp_path_factory.mktemp("coldsweat-template"))
    template.setup()
    template.import_feeds(
        {
            "Tech": [("Tech news", feeds.url("/tech.xml"))],
            "Sport": [("Sport news", feeds.url("/sport.xml"))],
        }
    )
    yield template, feeds
    feeds.close()


@pytest.fixture
def coldsweat(
    coldsweat_template: tuple[Coldsweat, FeedServer], tmp_path: Path
) -> Iterator[Coldsweat]:
    """A running coldsweat on a fresh copy of the template; `.feeds` serves its feeds."""
    template, feeds = coldsweat_template
    feeds.documents.clear()
    feeds.documents.update(BASE_FEEDS)
    server = template.copy_to(tmp_path / "coldsweat")
    server.feeds = feeds
    server.start()
    yield server
    server.stop()


def account_toml(
    url: str, *, name: str = "maison", password: str = PASSWORD, kind: str = "fever"
) -> str:
    return (
        "[[accounts]]\n"
        f'name = "{name}"\n'
        f'kind = "{kind}"\n'
        f'url = "{url}"\n'
        'username = "me@example.org"\n'
        'password_env = "TEST_SYNC_PASSWORD"\n'
        'tags = ["serveur"]\n'
    ), password


class Cli:
    """Runs the installed CLI in a subprocess against one config and data dir."""

    def __init__(self, tmp_path: Path) -> None:
        self.config = tmp_path / "config.toml"
        self.data_dir = tmp_path / "data"
        self.env = {**os.environ, "TEST_SYNC_PASSWORD": PASSWORD}
        self.env.pop("HTTP_PROXY", None)
        self.env.pop("HTTPS_PROXY", None)

    def write_config(self, text: str, settings: str = 'full_articles = "never"\n') -> None:
        # No full-article fetching by default: the items link to example.org, off the loopback.
        self.config.write_text(f"[settings]\n{settings}\n{text}", encoding="utf-8")
        self.config.chmod(0o600)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tui_reader",
                "--config",
                str(self.config),
                "--data-dir",
                str(self.data_dir),
                *args,
            ],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check:
            assert done.returncode == 0, done.stderr
        return done

    def json(self, *args: str) -> object:
        return json.loads(self.run(*args).stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)
