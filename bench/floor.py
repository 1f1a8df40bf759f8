"""The fetch-only floor for refresh benchmarks: bare httpx, no parsing, no storing (issue 7).

    python bench/floor.py URLS_FILE [--concurrency 32] [--save-validators F] [--validators F]

Downloads every URL in URLS_FILE (one per line, a newsboat `urls` file works: the first
field of each line) with one `httpx.AsyncClient` and `--concurrency` requests at once, and
prints one JSON line: {"ok", "not_modified", "errors", "bytes"}. `--save-validators` writes
the ETag/Last-Modified of each answer; `--validators` sends them back as a conditional GET,
so the "every feed answers 304" case has a floor too. Nothing else: this is the least any
Python reader has to do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import httpx


def read_urls(path: Path) -> list[str]:
    """The first field of every non-comment line."""
    urls = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            urls.append(line.split()[0])
    return urls


async def fetch_all(
    urls: list[str], concurrency: int, validators: dict[str, dict[str, str]]
) -> tuple[dict[str, int], dict[str, dict[str, str]]]:
    """Fetch every URL; return counts and the validators seen."""
    counts = {"ok": 0, "not_modified": 0, "errors": 0, "bytes": 0}
    seen: dict[str, dict[str, str]] = {}
    slots = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def one(url: str) -> None:
            headers = {}
            known = validators.get(url, {})
            if "etag" in known:
                headers["If-None-Match"] = known["etag"]
            if "last-modified" in known:
                headers["If-Modified-Since"] = known["last-modified"]
            async with slots:
                try:
                    response = await client.get(url, headers=headers)
                except httpx.HTTPError:
                    counts["errors"] += 1
                    return
            if response.status_code == 304:
                counts["not_modified"] += 1
            elif response.status_code == 200:
                counts["ok"] += 1
                counts["bytes"] += len(response.content)
            else:
                counts["errors"] += 1
            seen[url] = {
                key: response.headers[key]
                for key in ("etag", "last-modified")
                if key in response.headers
            }

        await asyncio.gather(*(one(url) for url in urls))
    return counts, seen


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", type=Path, help="file with one URL per line")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--validators", type=Path, help="send these validators (JSON)")
    parser.add_argument("--save-validators", type=Path, help="write the validators seen (JSON)")
    args = parser.parse_args(argv)
    validators = {}
    if args.validators is not None and args.validators.exists():
        validators = json.loads(args.validators.read_text(encoding="utf-8"))
    counts, seen = asyncio.run(fetch_all(read_urls(args.urls), args.concurrency, validators))
    if args.save_validators is not None:
        args.save_validators.write_text(json.dumps(seen), encoding="utf-8")
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
