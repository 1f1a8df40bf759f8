"""Sync benchmark: a first Fever sync of 10,000 items, then a sync with nothing new.

    .venv/bin/python bench/sync.py [--feeds 20 --items 500 --repeats 3]

Serves `--feeds` RSS feeds of `--items` items each on 127.0.0.1, subscribes a live coldsweat
0.10.2 to them (its virtualenv is the tests' one, `.cache/coldsweat-venv`), lets coldsweat
fetch them, then times, as a user sees it (the whole command, start-up included):

  first sync        `tui-reader sync --json` on an empty data dir (every item, by id, 50 a request)
  nothing new       the same command again
  requests          how many HTTP requests each of those made (counted in-process)

Each run is checked: the first sync must bring every item, the second none. The Markdown
table goes to bench/out/sync.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.feeds import rss  # noqa: E402
from tests.sync.coldsweat import PASSWORD, Coldsweat  # noqa: E402
from tests.sync.conftest import FeedServer  # noqa: E402

BODY = (
    "<p>Le constructeur annonce une nouvelle version de son application, avec un chiffrement "
    "de bout en bout et une autonomie revue à la hausse. <a href='https://example.org/'>Les "
    "détails</a> sont sur le site.</p><p>Les développeurs saluent une architecture plus "
    "simple ; la communauté attend encore la documentation complète et les premiers essais.</p>"
)


def feed_items(feed: int, count: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"Article {feed}-{n} : la nouvelle version de l’application",
            "link": f"https://example.org/{feed}/{n}",
            "guid": f"bench-{feed}-{n}",
            "pubDate": f"{1 + n % 28:02d} Nov 2026 {n % 24:02d}:{feed % 60:02d}:00 +0000",
            "description": BODY * 2,
        }
        for n in range(count)
    ]


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    total = args.feeds * args.items

    feeds = FeedServer()
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    server = Coldsweat(work / "coldsweat")
    server.directory.mkdir()
    for feed in range(args.feeds):
        feeds.documents[f"/feed-{feed}.xml"] = rss(f"Feed {feed}", feed_items(feed, args.items))
    print(f"coldsweat: setting up {args.feeds} feeds × {args.items} items", file=sys.stderr)
    server.setup()
    groups: dict[str, list[tuple[str, str]]] = {}
    for feed in range(args.feeds):
        groups.setdefault(f"Groupe {feed % 4}", []).append(
            (f"Feed {feed}", feeds.url(f"/feed-{feed}.xml"))
        )
    started = time.perf_counter()
    server.import_feeds(groups)
    print(f"coldsweat: import + fetch {time.perf_counter() - started:.1f} s", file=sys.stderr)
    server.start()
    config = work / "config.toml"
    config.write_text(
        '[settings]\nfull_articles = "never"\n\n'
        "[[accounts]]\n"
        'name = "bench"\nkind = "fever"\n'
        f'url = "{server.url}"\nusername = "me@example.org"\n'
        'password_env = "BENCH_PASSWORD"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "BENCH_PASSWORD": PASSWORD}
    first: list[float] = []
    again: list[float] = []
    try:
        for repeat in range(args.repeats):
            data_dir = work / f"data-{repeat}"
            argv = [str(REPO / ".venv" / "bin" / "tui-reader"), "--config", str(config)]
            argv += ["--data-dir", str(data_dir), "sync", "--json"]
            seconds, result = timed(argv, env)
            account = result["accounts"][0]  # type: ignore[index]
            assert account["status"] == "ok", account
            assert account["new_items"] == total, account
            first.append(seconds)
            seconds, result = timed(argv, env)
            account = result["accounts"][0]  # type: ignore[index]
            assert account["status"] == "ok" and account["new_items"] == 0, account
            again.append(seconds)
            print(
                f"run {repeat + 1}: first {first[-1]:.2f} s, again {again[-1]:.2f} s",
                file=sys.stderr,
            )
        # Requests, counted in-process on a fresh data dir.
        from tui_reader.config import load_config
        from tui_reader.store import Store
        from tui_reader.sync.engine import sync_all

        os.environ["BENCH_PASSWORD"] = PASSWORD
        loaded = load_config(config)
        with Store.open(work / "count" / "db.sqlite") as store:
            cold = asyncio.run(sync_all(loaded, store)).accounts[0]
            warm = asyncio.run(sync_all(loaded, store)).accounts[0]
    finally:
        server.stop()
        feeds.close()
        shutil.rmtree(work, ignore_errors=True)
    lines = [
        f"# Sync: {total:,} items from a live coldsweat 0.10.2 (Fever API)",
        "",
        f"{args.feeds} feeds × {args.items} items, median of {args.repeats} runs, wall time of "
        "`tui-reader sync --json` (start-up included).",
        "",
        "| run | time | requests |",
        "|---|---|---|",
        f"| first sync ({total:,} items) | {statistics.median(first):.2f} s | {cold.requests} |",
        f"| nothing new | {statistics.median(again):.2f} s | {warm.requests} |",
        "",
    ]
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "sync.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
