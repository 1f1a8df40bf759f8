"""A live coldsweat (a Fever API server) for the tests, in its own virtualenv.

coldsweat 0.10.2 pins versions that clash with ours, so it gets a virtualenv cached under
the repository (`.cache/coldsweat-venv`, git-ignored), created once under a file lock that
pytest-xdist workers share. Each server has its own SQLite database in a temp dir, its feeds
served on 127.0.0.1, and HTTP(S)_PROXY pointed at a dead local port so its favicon lookups
on the internet fail at once.
"""

from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys
import time
import venv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import httpx

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".cache" / "coldsweat-venv"
VERSION = "0.10.2"
EMAIL = "me@example.org"
PASSWORD = "correct horse battery staple"


def coldsweat_bin() -> Path:
    """The `coldsweat` script, installing it first when needed (under a lock)."""
    VENV.parent.mkdir(parents=True, exist_ok=True)
    marker = VENV / f".installed-{VERSION}"
    script = VENV / "bin" / "coldsweat"
    with open(VENV.parent / "coldsweat-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            if not (VENV / "bin" / "python").exists():
                venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
            subprocess.run(
                [
                    str(VENV / "bin" / "python"),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    f"coldsweat=={VERSION}",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            marker.write_text(VERSION)
    return script


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dead_port() -> int:
    """A local port nobody listens on: connections are refused at once."""
    return free_port()


@dataclass
class Coldsweat:
    """One running coldsweat with its own database."""

    directory: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)
    feeds: Any = None  # the tests' FeedServer serving its feeds

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/fever/"

    def command(self, *args: str) -> str:
        done = subprocess.run(
            [str(coldsweat_bin()), *args],
            env=self.env,
            cwd=self.directory,
            capture_output=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"coldsweat {args[0]} failed: {done.stderr.decode(errors='replace')[-2000:]}"
            )
        return done.stdout.decode(errors="replace")

    def setup(self) -> None:
        """A new database with one user."""
        self.configure()
        self.command("setup", EMAIL, "-p", PASSWORD)

    def copy_to(self, directory: Path) -> Coldsweat:
        """Another coldsweat on a copy of this one's database (which must be stopped)."""
        import shutil

        directory.mkdir(parents=True, exist_ok=True)
        for name in ("coldsweat.db", "coldsweat.db-wal", "coldsweat.db-shm"):
            if (self.directory / name).exists():
                shutil.copy2(self.directory / name, directory / name)
        copy = Coldsweat(directory)
        copy.configure()
        return copy

    def configure(self) -> None:
        """Environment of every coldsweat command: its database, a dead proxy."""
        proxy = f"http://127.0.0.1:{dead_port()}"
        self.env = {
            **os.environ,
            "FLASK_DATABASE_URL": f"sqlite:///{self.directory / 'coldsweat.db'}",
            "FLASK_SECRET_KEY": "tests only",
            "HTTP_PROXY": proxy,
            "HTTPS_PROXY": proxy,
            "http_proxy": proxy,
            "https_proxy": proxy,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }

    def import_feeds(self, groups: dict[str, list[tuple[str, str]]]) -> None:
        """Subscribe to feeds, `{group title: [(feed title, url)]}`, and fetch them."""
        lines = ['<?xml version="1.0"?>', '<opml version="2.0"><head><title>t</title></head><body>']
        for group, feeds in groups.items():
            lines.append(f"<outline text={quoteattr(group)}>")
            for title, url in feeds:
                lines.append(
                    f"<outline type='rss' text={quoteattr(title)} xmlUrl={quoteattr(url)}/>"
                )
            lines.append("</outline>")
        lines.append("</body></opml>")
        opml = self.directory / "feeds.opml"
        opml.write_text("\n".join(lines), encoding="utf-8")
        self.command("import", "-f", str(opml), EMAIL)

    def fetch(self) -> None:
        """Fetch every feed now (coldsweat skips feeds checked in the last 3 minutes)."""
        import sqlite3

        with sqlite3.connect(self.directory / "coldsweat.db") as conn:
            conn.execute(
                "UPDATE feeds SET last_checked_on = NULL, last_updated_on = NULL, etag = ''"
            )
        conn.close()
        self.command("fetch")

    def start(self) -> None:
        self.port = self.port or free_port()
        self.process = subprocess.Popen(
            [str(coldsweat_bin()), "run", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("coldsweat run exited at once")
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/fever/?api", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("coldsweat did not start within 60 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def api(self, *commands: str, **form: str) -> dict[str, object]:
        """Call the Fever API directly (to act as another client, e.g. a phone)."""
        import hashlib

        key = hashlib.md5(f"{EMAIL}:{PASSWORD}".encode()).hexdigest()
        query = "&".join(["api", *commands])
        answer = httpx.post(f"{self.url}?{query}", data={"api_key": key, **form}, timeout=10)
        answer.raise_for_status()
        return answer.json()  # type: ignore[no-any-return]


if __name__ == "__main__":  # pragma: no cover - `python tests/sync/coldsweat.py` warms the cache
    print(coldsweat_bin(), file=sys.stderr)
