"""Refresh as issue 11 measures it: 50 sites, the default config, the refresh of every day.

    .venv/bin/python bench/refresh_hosts.py [--feeds 200 --items 50 --latency-ms 50
                                             --hosts 50 --changed 20 --new 2 --repeats 1]

The corpus (bench/corpus.py, cached under bench/out/) is copied to a temporary directory and
served by bench/server.py on 127.0.0.1 … 127.0.0.50, same port, 50 ms added latency per
request: feed i lives on host i mod 50, as feeds of real life come from many sites.

Tools, interleaved (the order rotates every round):

  tui-reader never    `refresh --json` with `full_articles = "never"`, otherwise defaults
  tui-reader          `refresh --json` with the default config (`concurrency = 16`,
                      `full_articles = "auto"`: it tries the pages of summary-only items,
                      whose sites cannot be reached from here)
  newsboat-16         `newsboat -x reload` with `reload-threads 16`
  httpx floor 16      bench/floor.py with 16 requests at once

Measures (wall time of the whole command, start-up included):

  cold       fresh data; tui-reader never vs newsboat-16 (like for like: neither fetches pages)
  304        a second refresh where every feed answers 304; tui-reader (default) vs the floor
  all-day    then `--changed` feeds (spread evenly) gain `--new` items each, the others answer
             304; tui-reader (default) vs newsboat-16
  first search  after the cold "never" refresh, `headlines --search` of a common word: it
             builds the search index the refresh left for later (and the database's size
             is taken before and after)

Each run is checked (every feed ok / not modified, the right number of new items); failures
are listed under the table. The Markdown goes to bench/out/refresh_hosts.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from refresh import (
    BENCH,
    CORPUS_BASE,
    OUT,
    PYTHON,
    VENV_BIN,
    Run,
    db_size,
    ensure_corpus,
    run_measured,
    spread,
)

TOOLS = ("tui-reader never", "tui-reader", "newsboat-16", "httpx floor 16")
_FEED_URL_RE = re.compile(re.escape(CORPUS_BASE) + r"(feed-(\d+)\.\w+)")
_GUID_RE = re.compile(r"(<guid[^>]*>|<id>)([^<]*)(</guid>|</id>)")
_TITLE_RE = re.compile(r"<title>")


@contextmanager
def serve(corpus: Path, latency_ms: float, hosts: int) -> Iterator[list[str]]:
    """bench/server.py on `hosts` loopback addresses; yield their base URLs."""
    cmd = [
        PYTHON, str(BENCH / "server.py"), str(corpus), "--port", "0",
        "--latency-ms", str(latency_ms), "--hosts", str(hosts),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        bases = []
        for _ in range(hosts):
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("bench/server.py exited before it was serving")
            bases.append(line.split()[-1])
        yield bases
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def client_files(corpus: Path, bases: list[str], where: Path) -> dict[str, Path]:
    """feeds-never.toml, feeds-default.toml and urls, feed i on host i mod len(bases)."""

    def point(match: re.Match[str]) -> str:
        return bases[int(match.group(2)) % len(bases)] + match.group(1)

    feeds = _FEED_URL_RE.sub(point, (corpus / "feeds.toml").read_text(encoding="utf-8"))
    files = {
        "never": where / "feeds-never.toml",
        "default": where / "feeds-default.toml",
        "urls": where / "urls",
    }
    files["never"].write_text('[settings]\nfull_articles = "never"\n\n' + feeds, encoding="utf-8")
    files["default"].write_text(feeds, encoding="utf-8")
    files["urls"].write_text(
        _FEED_URL_RE.sub(point, (corpus / "urls").read_text(encoding="utf-8")), encoding="utf-8"
    )
    return files


def add_items(text: str, count: int, tag: str) -> str:
    """The feed with `count` new items on top: copies of its first item, new GUID and title."""
    open_tag, close_tag = ("<item>", "</item>") if "<item>" in text else ("<entry>", "</entry>")
    start = text.index(open_tag)
    first = text[start : text.index(close_tag, start) + len(close_tag)]
    fresh = []
    for n in range(count):
        suffix = f"-{tag}-{n}"
        item = _GUID_RE.sub(lambda m, s=suffix: f"{m[1]}{m[2]}{s}{m[3]}", first, count=1)
        fresh.append(_TITLE_RE.sub(f"<title>Nouveau {tag} {n} : ", item, count=1))
    return text[:start] + "\n".join(fresh) + "\n" + text[start:]


@dataclass
class Bench:
    """Configuration and figures of one run of this benchmark."""

    work: Path
    corpus: Path
    feeds: int
    items: int
    changed: int
    new: int
    env: dict[str, str]
    files: dict[str, Path] = field(default_factory=dict)
    times: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    cpu: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    extra: dict[str, list[object]] = field(default_factory=lambda: defaultdict(list))
    sizes: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.problems.append(message)
            print(f"  !! {message}", file=sys.stderr)

    def fresh(self, name: str) -> Path:
        path = self.work / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    @contextmanager
    def day_later(self, tag: str) -> Iterator[None]:
        """`changed` feeds, evenly spread, gain `new` items each; restored afterwards."""
        step = max(1, self.feeds // max(1, self.changed))
        chosen = sorted(self.corpus.glob("feed-*"))[::step][: self.changed]
        saved = {path: path.read_bytes() for path in chosen}
        try:
            for path, data in saved.items():
                path.write_text(add_items(data.decode("utf-8"), self.new, tag), encoding="utf-8")
            yield
        finally:
            for path, data in saved.items():
                path.write_bytes(data)

    def tui(self, config: str, data: Path, expect: str, new_items: int, label: str) -> Run:
        run = run_measured(
            [str(VENV_BIN / "tui-reader"), "--config", str(self.files[config]),
             "--data-dir", str(data), "refresh", "--json"],
            env=self.env,
        )  # fmt: skip
        try:
            summary = json.loads(run.stdout)
        except ValueError:
            self.check(False, f"{label}: no JSON (exit {run.returncode}): {run.stderr[-300:]}")
            return run
        statuses = [feed["status"] for feed in summary["feeds"]]
        errors = [f["error"] for f in summary["feeds"] if f["error"]][:3]
        ok = statuses.count("error") == 0 and (
            expect == "any" or statuses.count(expect) == len(statuses)
        )
        self.check(ok, f"{label}: statuses {sorted(set(statuses))}, errors {errors}")
        self.check(
            summary["new_items"] == new_items,
            f"{label}: {summary['new_items']} new items, expected {new_items}",
        )
        if "full_text" in summary:
            self.extra[f"{label} full_text"].append(summary["full_text"])
        return run

    def search(self, data: Path, label: str) -> Run:
        """`headlines --search` for a word of every item's body (the corpus's own words)."""
        run = run_measured(
            [str(VENV_BIN / "tui-reader"), "--config", str(self.files["never"]),
             "--data-dir", str(data), "headlines", "--json", "--search", "numérique",
             "--limit", "5"],
            env=self.env,
        )  # fmt: skip
        try:
            found = len(json.loads(run.stdout))
        except ValueError:
            found = -1
        self.check(found == 5, f"{label}: {found} results (exit {run.returncode})")
        return run

    def newsboat(self, data: Path, label: str, items: int) -> Run:
        config = data / "config"
        if not config.exists():
            config.write_text("reload-threads 16\n", encoding="utf-8")
        cache = data / "cache.db"
        cmd = ["newsboat", "-u", str(self.files["urls"]), "-c", str(cache), "-C", str(config),
               "-x", "reload"]  # fmt: skip
        run = run_measured(cmd, env=self.env)
        self.check(run.returncode == 0, f"{label}: exit {run.returncode}")
        import sqlite3

        with sqlite3.connect(cache) as conn:
            stored = conn.execute("SELECT count(*) FROM rss_item").fetchone()[0]
        conn.close()
        self.check(stored == items, f"{label}: cache holds {stored} items, expected {items}")
        return run

    def floor(self, data: Path, label: str, conditional: bool) -> Run:
        saved = data / "validators.json"
        cmd = [PYTHON, str(BENCH / "floor.py"), str(self.files["urls"]), "--concurrency", "16"]
        cmd += ["--validators", str(saved)] if conditional else ["--save-validators", str(saved)]
        run = run_measured(cmd, env=self.env)
        try:
            counts = json.loads(run.stdout)
        except ValueError:
            counts = {}
        key = "not_modified" if conditional else "ok"
        self.check(counts.get(key) == self.feeds, f"{label}: {counts}")
        return run


def one_round(bench: Bench, tool: str, round_no: int) -> None:
    """Every measure of one tool, on fresh data."""
    total = bench.feeds * bench.items
    later = bench.changed * bench.new
    tag = f"r{round_no}"
    data = bench.fresh(tool.replace(" ", "-"))
    print(f"  round {round_no}: {tool}", file=sys.stderr)
    if tool == "tui-reader never":
        run = bench.tui("never", data, "ok", total, "tui-reader never cold")
        bench.times[(tool, "cold")].append(run.wall_s)
        bench.cpu[(tool, "cold")].append(run.cpu_s)
        bench.extra["peak tree MB"].append(run.tree_rss_mb)
        if round_no == 1:
            bench.sizes["tui-reader"] = db_size(data)
        # The search index is built by the first search that needs it (or the idle reader):
        # the cost a refresh no longer pays, paid once here.
        run = bench.search(data, "tui-reader first search")
        bench.times[(tool, "first search")].append(run.wall_s)
        bench.cpu[(tool, "first search")].append(run.cpu_s)
        if round_no == 1:
            bench.sizes["tui-reader indexed"] = db_size(data)
    elif tool == "tui-reader":
        run = bench.tui("default", data, "ok", total, "tui-reader cold")
        bench.times[(tool, "cold")].append(run.wall_s)
        bench.cpu[(tool, "cold")].append(run.cpu_s)
        run = bench.tui("default", data, "not_modified", 0, "tui-reader 304")
        bench.times[(tool, "304")].append(run.wall_s)
        bench.cpu[(tool, "304")].append(run.cpu_s)
        with bench.day_later(tag):
            run = bench.tui("default", data, "any", later, "tui-reader all-day")
        bench.times[(tool, "all-day")].append(run.wall_s)
        bench.cpu[(tool, "all-day")].append(run.cpu_s)
    elif tool == "newsboat-16":
        run = bench.newsboat(data, "newsboat cold", total)
        bench.times[(tool, "cold")].append(run.wall_s)
        bench.cpu[(tool, "cold")].append(run.cpu_s)
        if round_no == 1:
            bench.sizes["newsboat"] = db_size(data)
        run = bench.newsboat(data, "newsboat 304", total)
        bench.times[(tool, "304")].append(run.wall_s)
        bench.cpu[(tool, "304")].append(run.cpu_s)
        with bench.day_later(tag):
            run = bench.newsboat(data, "newsboat all-day", total + later)
        bench.times[(tool, "all-day")].append(run.wall_s)
        bench.cpu[(tool, "all-day")].append(run.cpu_s)
    else:
        bench.times[(tool, "cold")].append(bench.floor(data, "floor cold", False).wall_s)
        bench.times[(tool, "304")].append(bench.floor(data, "floor 304", True).wall_s)


def ratio(bench: Bench, ours: tuple[str, str], theirs: tuple[str, str]) -> float | None:
    a, b = bench.times.get(ours), bench.times.get(theirs)
    if not a or not b:
        return None
    return statistics.median(a) / statistics.median(b)


def report(bench: Bench, args: argparse.Namespace, corpus_mb: float) -> str:
    lines = [
        "## Refresh over 50 sites, default config (issue 11)",
        "",
        f"{args.feeds} feeds × {args.items} items ({corpus_mb:.1f} MB), {args.latency_ms:g} ms "
        f"latency, {args.hosts} loopback hosts (same port), {args.repeats} round(s); "
        f"all-day: {args.changed} feeds gain {args.new} items; {os.cpu_count()} CPUs. "
        "Wall time, median (min–max).",
        "",
        "| tool | cold | every feed 304 | all-day |",
        "|---|---|---|---|",
    ]
    for tool in TOOLS:
        cells = [spread(bench.times.get((tool, s), [])) for s in ("cold", "304", "all-day")]
        lines.append(f"| {tool} | " + " | ".join(cells) + " |")
    for tool in ("tui-reader never", "tui-reader", "newsboat-16"):
        cells = [spread(bench.cpu.get((tool, s), [])) for s in ("cold", "304", "all-day")]
        if any(cell != "—" for cell in cells):
            lines.append(f"| {tool}, CPU time | " + " | ".join(cells) + " |")
    lines += ["", "| measure | target | reached | |", "|---|---|---|---|"]
    rows = [
        ("cold, `full_articles = \"never\"`", ("tui-reader never", "cold"),
         ("newsboat-16", "cold"), 1.0, "newsboat-16"),
        ("every feed 304, default config", ("tui-reader", "304"), ("httpx floor 16", "304"),
         1.5, "the floor"),
        ("all-day refresh, default config", ("tui-reader", "all-day"),
         ("newsboat-16", "all-day"), 0.5, "newsboat-16"),
    ]  # fmt: skip
    for name, ours, theirs, target, ref in rows:
        value = ratio(bench, ours, theirs)
        if value is None:
            lines.append(f"| {name} | ≤ {target:g}× {ref} | — | |")
        else:
            verdict = "met" if value <= target else "**missed**"
            lines.append(f"| {name} | ≤ {target:g}× {ref} | {value:.2f}× | {verdict} |")
    for key, when in (("tui-reader", "after the cold refresh"),
                      ("tui-reader indexed", "once searched (index built)")):  # fmt: skip
        if key in bench.sizes and "newsboat" in bench.sizes:
            ours, theirs = bench.sizes[key], bench.sizes["newsboat"]
            verdict = "met" if ours / theirs <= 1.2 else "**missed**"
            lines.append(
                f"| database size, {when} | ≤ 1.2× newsboat's cache | {ours / 1e6:.1f} MB vs "
                f"{theirs / 1e6:.1f} MB = {ours / theirs:.2f}× | {verdict} |"
            )
    first = bench.times.get(("tui-reader never", "first search"))
    if first:
        cpu = bench.cpu.get(("tui-reader never", "first search"), [])
        lines.append(
            f"| first word search after the cold refresh (indexes {bench.feeds * bench.items:,} "
            f"items) | — | {spread(first)}, CPU {spread(cpu)} | |"
        )
    peak = bench.extra.get("peak tree MB")
    if peak:
        lines.append(f"| peak memory, cold | ≤ 300 MB | {max(peak):.0f} MB (process tree) | |")
    lines.append("")
    for key, values in sorted(bench.extra.items()):
        if key.endswith("full_text"):
            lines.append(f"- {key}: {values}")
    if bench.problems:
        lines += ["", "**Sanity checks failed** (figures above are not trustworthy):", ""]
        lines += [f"- {problem}" for problem in bench.problems[:20]]
    else:
        lines += ["", "Sanity checks passed."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--changed", type=int, default=20)
    parser.add_argument("--new", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset")
    parser.add_argument("--out", type=Path, default=OUT / "refresh_hosts.md")
    args = parser.parse_args(argv)
    tools = [tool for tool in TOOLS if tool in args.tools.split(",")]
    if "newsboat-16" in tools and shutil.which("newsboat") is None:
        parser.error("newsboat is not installed (apt-get install newsboat)")
    source = ensure_corpus(args.feeds, args.items, args.seed)
    corpus_mb = sum(p.stat().st_size for p in source.glob("feed-*")) / 1e6
    with tempfile.TemporaryDirectory(prefix="tui-reader-bench-hosts-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        shutil.copytree(source, corpus)
        env = dict(os.environ, HOME=str(work / "home"), XDG_CONFIG_HOME=str(work / "xdg"))
        env.pop("TUI_READER_CONFIG", None)
        env.pop("TUI_READER_DATA_DIR", None)
        bench = Bench(
            work=work, corpus=corpus, feeds=args.feeds, items=args.items,
            changed=args.changed, new=args.new, env=env,
        )  # fmt: skip
        with serve(corpus, args.latency_ms, args.hosts) as bases:
            bench.files = client_files(corpus, bases, work)
            for round_no in range(1, args.repeats + 1):
                shift = (round_no - 1) % len(tools)
                for tool in tools[shift:] + tools[:shift]:
                    one_round(bench, tool, round_no)
    text = report(bench, args, corpus_mb)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 1 if bench.problems else 0


if __name__ == "__main__":
    sys.exit(main())
