"""Refresh benchmark: `tui-reader refresh` side by side with newsboat and a bare-httpx floor.

    .venv/bin/python bench/refresh.py [--feeds 200 --items 50 --latency-ms 50 --repeats 3]

Generates the corpus once (cached under bench/out/corpus-…), serves it with bench/server.py on
127.0.0.1 and runs, interleaved and repeated, on the same corpus in the same run:

  tui-reader   `tui-reader --config feeds.toml --data-dir TMP refresh --json` (the console script)
  newsboat-1   `newsboat -x reload` with `reload-threads 1` (its default)
  newsboat-16  the same with `reload-threads 16`
  httpx floor  bench/floor.py: asyncio + httpx.AsyncClient, 32 at once, bodies downloaded only

for (a) a cold refresh (fresh data dir / cache), (b) a second refresh where every feed answers
304, (c) a second refresh where the server sends no validators and the bodies are unchanged.
Every figure is the wall time of the whole command (start-up included), as a user sees it.

The corpus's feeds come from 16 sites; each site is served on its own port of 127.0.0.1, so
clients that limit connections per origin (tui-reader: 4 per origin) see what they would see
on the real web. `--listeners 1` puts every feed on one origin instead.

Each run is checked: tui-reader must report every feed ok (or not modified) and the right item
count; newsboat's cache must hold every item. The Markdown table goes to bench/out/refresh.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PYTHON = sys.executable
VENV_BIN = ROOT / ".venv" / "bin"
CORPUS_BASE = "http://127.0.0.1:8765/"
TOOLS = ("tui-reader", "newsboat-1", "newsboat-16", "httpx floor")
SCENARIOS = {
    "cold": "(a) cold refresh",
    "304": "(b) every feed answers 304",
    "same": "(c) unchanged bodies, no validators",
}


# --- running and measuring one command ---------------------------------------------------------


@dataclass
class Run:
    """One measured command."""

    wall_s: float
    maxrss_mb: float  # os.wait4: the largest single process of the tree
    tree_rss_mb: float  # sampled sum of RSS over the whole process tree (pool workers too)
    stdout: str
    stderr: str
    returncode: int
    # user + system CPU of the whole process tree: the command, and the processes it started
    # that outlived it (a forkserver and its parse workers, reaped here; see run_measured)
    cpu_s: float = 0.0


def _tree_rss_kb(pid: int) -> int:
    """Sum of VmRSS of `pid` and all its descendants (0 when it is gone)."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as f:
                    stack.extend(int(child) for child in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def _tree_pids(pid: int) -> set[int]:
    """`pid`'s descendants now (empty when it is gone)."""
    found: set[int] = set()
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as f:
                    children = [int(child) for child in f.read().split()]
                found.update(children)
                stack.extend(children)
        except (OSError, ValueError):
            continue
    return found


def _become_subreaper() -> bool:
    """Adopt the orphans of the commands run here (Linux), so that their CPU is counted."""
    try:
        import ctypes

        return ctypes.CDLL(None).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


_SUBREAPER = _become_subreaper()


def run_measured(cmd: Sequence[str], *, env: dict[str, str] | None = None) -> Run:
    """Run `cmd`, measuring wall time, peak RSS (wait4), the peak RSS of its process tree
    and the CPU time of the whole tree.

    A process pool's forkserver outlives the command that started it, unwaited-for, so
    `wait4` alone does not count its CPU nor its workers'. Here (a child subreaper) such
    orphans are adopted and reaped, and the tree's CPU is what RUSAGE_CHILDREN gained.
    """
    import resource

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        peak_tree = 0
        descendants: set[int] = set()
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not done.is_set():
                peak_tree = max(peak_tree, _tree_rss_kb(proc.pid))
                descendants.update(_tree_pids(proc.pid))
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        cpu = usage.ru_utime + usage.ru_stime
        if _SUBREAPER:
            for pid in sorted(descendants):
                try:
                    os.waitpid(pid, 0)  # an orphan adopted here; ChildProcessError otherwise
                except ChildProcessError:
                    continue
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            wall_s=wall,
            maxrss_mb=usage.ru_maxrss / 1024,
            tree_rss_mb=max(peak_tree, usage.ru_maxrss) / 1024,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            returncode=proc.returncode,
            cpu_s=cpu,
        )


# --- corpus and server --------------------------------------------------------------------------


def ensure_corpus(feeds: int, items: int, seed: int) -> Path:
    """The cached corpus directory, generated on first use."""
    corpus = OUT / f"corpus-{feeds}x{items}-s{seed}"
    if not (corpus / "feeds.toml").exists():
        subprocess.run(
            [PYTHON, str(BENCH / "corpus.py"), str(corpus), "--feeds", str(feeds),
             "--items", str(items), "--seed", str(seed), "--base-url", CORPUS_BASE],
            check=True,
        )  # fmt: skip
    return corpus


@contextmanager
def serve(corpus: Path, latency_ms: float, listeners: int, validators: bool) -> Iterator[list[str]]:
    """Run bench/server.py; yield the base URL of each listener."""
    cmd = [
        PYTHON, str(BENCH / "server.py"), str(corpus), "--port", "0",
        "--latency-ms", str(latency_ms), "--listeners", str(listeners),
    ]  # fmt: skip
    if not validators:
        cmd.append("--no-validators")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        bases = []
        for _ in range(listeners):
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


_FEED_URL_RE = re.compile(re.escape(CORPUS_BASE) + r"(feed-(\d+)\.\w+)")


def write_client_files(corpus: Path, bases: list[str], where: Path) -> tuple[Path, Path]:
    """feeds.toml and urls pointing at the running server; feed i is on listener i mod N."""

    def point(match: re.Match[str]) -> str:
        return bases[int(match.group(2)) % len(bases)] + match.group(1)

    toml = where / "feeds.toml"
    urls = where / "urls"
    # The corpus's article links point at sites we must not (and cannot) reach, and newsboat
    # does not fetch pages either: full-article fetching is off, the refresh alone is timed.
    # concurrency 32: the same number of fetches at once as the httpx floor it is held to.
    settings = '[settings]\nfull_articles = "never"\nconcurrency = 32\n\n'
    toml.write_text(
        settings + _FEED_URL_RE.sub(point, (corpus / "feeds.toml").read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    urls.write_text(
        _FEED_URL_RE.sub(point, (corpus / "urls").read_text(encoding="utf-8")), encoding="utf-8"
    )
    return toml, urls


# --- the tools ----------------------------------------------------------------------------------


@dataclass
class Bench:
    """Everything a run needs, and the figures collected so far."""

    work: Path
    feeds: int
    items: int
    env: dict[str, str]
    times: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    memory: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    sizes: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def fresh(self, name: str) -> Path:
        """An empty directory for one tool's data."""
        path = self.work / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def check(self, ok: bool, message: str) -> None:
        """Record a failed sanity check (reported in the table, never silently ignored)."""
        if not ok:
            self.problems.append(message)
            print(f"  !! {message}", file=sys.stderr)

    def tui(self, toml: Path, data: Path, expect: str, scenario: str) -> Run:
        """`tui-reader refresh --json`, checked against what the scenario must give."""
        run = run_measured(
            [str(VENV_BIN / "tui-reader"), "--config", str(toml), "--data-dir", str(data),
             "refresh", "--json"],
            env=self.env,
        )  # fmt: skip
        try:
            summary = json.loads(run.stdout)
        except ValueError:
            self.check(False, f"tui-reader {scenario}: no JSON (exit {run.returncode}): "
                       f"{run.stderr.strip()[-300:]}")  # fmt: skip
            return run
        statuses = [feed["status"] for feed in summary["feeds"]]
        self.check(
            statuses.count(expect) == self.feeds,
            f"tui-reader {scenario}: {statuses.count(expect)}/{self.feeds} feeds {expect}, "
            f"errors: {[f['error'] for f in summary['feeds'] if f['error']][:3]}",
        )
        want_new = self.feeds * self.items if expect == "ok" else 0
        self.check(
            summary["new_items"] == want_new,
            f"tui-reader {scenario}: {summary['new_items']} new items, expected {want_new}",
        )
        return run

    def newsboat(self, threads: int, urls: Path, data: Path, scenario: str) -> Run:
        """`newsboat -x reload` with its own config and cache in `data`."""
        config = data / "config"
        if not config.exists():
            config.write_text(f"reload-threads {threads}\n", encoding="utf-8")
        cache = data / "cache.db"
        run = run_measured(
            ["newsboat", "-u", str(urls), "-c", str(cache), "-C", str(config), "-x", "reload"],
            env=self.env,
        )
        self.check(run.returncode == 0, f"newsboat-{threads} {scenario}: exit {run.returncode}")
        with sqlite3.connect(cache) as conn:
            items = conn.execute("SELECT count(*) FROM rss_item").fetchone()[0]
            feeds = conn.execute("SELECT count(*) FROM rss_feed").fetchone()[0]
        conn.close()
        self.check(
            items == self.feeds * self.items and feeds == self.feeds,
            f"newsboat-{threads} {scenario}: cache holds {items} items of {feeds} feeds, "
            f"expected {self.feeds * self.items} of {self.feeds}",
        )
        return run

    def floor(self, urls: Path, data: Path, scenario: str, conditional: bool) -> Run:
        """bench/floor.py; `conditional` sends the validators a previous run saved."""
        saved = data / "validators.json"
        cmd = [PYTHON, str(BENCH / "floor.py"), str(urls), "--concurrency", "32"]
        cmd += ["--validators", str(saved)] if conditional else ["--save-validators", str(saved)]
        run = run_measured(cmd, env=self.env)
        try:
            counts = json.loads(run.stdout)
        except ValueError:
            counts = {}
        key = "not_modified" if scenario == "304" else "ok"
        self.check(
            counts.get(key) == self.feeds,
            f"httpx floor {scenario}: {counts} (expected {self.feeds} {key})",
        )
        return run


def db_size(directory: Path) -> int:
    """Bytes of a SQLite database with its -wal and -shm files."""
    return sum(p.stat().st_size for p in directory.glob("*.db*") if p.is_file())


def run_rounds(bench: Bench, corpus: Path, latency_ms: float, listeners: int, repeats: int) -> None:
    """All scenarios: (a) and (b) on a validating server, then (c) on one without validators."""
    for validators in (True, False):
        with serve(corpus, latency_ms, listeners, validators) as bases:
            toml, urls = write_client_files(corpus, bases, bench.work)
            for repeat in range(repeats):
                # Rotate the order each round so no tool always runs first (or last).
                order = TOOLS[repeat % len(TOOLS) :] + TOOLS[: repeat % len(TOOLS)]
                for tool in order:
                    data = bench.fresh(tool.replace(" ", "-"))
                    kind = "validators" if validators else "no validators"
                    label = f"round {repeat + 1}/{repeats} {kind}"
                    print(f"  {label}: {tool}", file=sys.stderr)
                    runs = run_tool(bench, tool, toml, urls, data, validators)
                    if validators:
                        bench.times[(tool, "cold")].append(runs[0].wall_s)
                        bench.times[(tool, "304")].append(runs[1].wall_s)
                    else:
                        bench.times[(tool, "same")].append(runs[1].wall_s)
                    if tool == "tui-reader":
                        for run in runs:
                            bench.memory[tool].append((run.maxrss_mb, run.tree_rss_mb))
                        if validators and repeat == 0:
                            bench.sizes["tui-reader"] = db_size(data)
                    if tool == "newsboat-16" and validators and repeat == 0:
                        bench.sizes["newsboat"] = db_size(data)


def run_tool(
    bench: Bench, tool: str, toml: Path, urls: Path, data: Path, validators: bool
) -> list[Run]:
    """A cold run then a second run on the same data, for one tool."""
    second = "304" if validators else "same"
    if tool == "tui-reader":
        return [
            bench.tui(toml, data, "ok", "cold" if validators else "cold (no validators)"),
            bench.tui(toml, data, "not_modified", second),
        ]
    if tool.startswith("newsboat"):
        threads = int(tool.split("-")[1])
        return [
            bench.newsboat(threads, urls, data, "cold"),
            bench.newsboat(threads, urls, data, second),
        ]
    return [
        bench.floor(urls, data, "cold", conditional=False),
        bench.floor(urls, data, second, conditional=validators),
    ]


def startup_times(bench: Bench, repeats: int) -> list[float]:
    """Wall time of `tui-reader refresh --help`: interpreter plus CLI imports."""
    times = []
    for _ in range(repeats):
        run = run_measured([str(VENV_BIN / "tui-reader"), "refresh", "--help"], env=bench.env)
        times.append(run.wall_s)
    return times


# --- the report ---------------------------------------------------------------------------------


def spread(values: list[float], unit: str = "s", digits: int = 2) -> str:
    """`median (min–max)`."""
    if not values:
        return "—"
    med = statistics.median(values)
    return f"{med:.{digits}f} {unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def ratio_row(bench: Bench, measure: str, scenario: str, reference: str, target: float) -> str:
    """One row of the targets table: ratio of medians, and the range of per-round ratios."""
    ours = bench.times.get(("tui-reader", scenario), [])
    theirs = bench.times.get((reference, scenario), [])
    if not ours or not theirs:
        return f"| {measure} | ≤ {target:g}× {reference} | — | — |"
    ratio = statistics.median(ours) / statistics.median(theirs)
    per_round = [a / b for a, b in zip(ours, theirs, strict=False)]
    verdict = "met" if ratio <= target else "**missed**"
    return (
        f"| {measure} | ≤ {target:g}× {reference} | {ratio:.2f}× "
        f"(rounds {min(per_round):.2f}–{max(per_round):.2f}) | {verdict} |"
    )


def report(bench: Bench, args: argparse.Namespace, corpus_mb: float, startup: list[float]) -> str:
    """The Markdown section for bench/out/refresh.md."""
    lines = [
        "## Refresh: tui-reader vs newsboat vs bare httpx",
        "",
        f"{args.feeds} feeds × {args.items} items ({corpus_mb:.1f} MB of XML), "
        f"{args.latency_ms:g} ms added latency per request, {args.listeners} origins on "
        f"127.0.0.1, {args.repeats} interleaved rounds; {os.cpu_count()} CPUs. "
        "Wall time of the whole command, median (min–max).",
        "",
        "| tool | " + " | ".join(SCENARIOS.values()) + " |",
        "|---|" + "---|" * len(SCENARIOS),
    ]
    for tool in TOOLS:
        cells = [spread(bench.times.get((tool, s), [])) for s in SCENARIOS]
        lines.append(f"| {tool} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| measure | target | reached | |",
        "|---|---|---|---|",
        ratio_row(bench, "cold refresh", "cold", "newsboat-16", 1.0),
        ratio_row(bench, "cold refresh", "cold", "newsboat-1", 0.3),
        ratio_row(bench, "all-304 refresh", "304", "httpx floor", 1.5),
        ratio_row(bench, "unchanged bodies, no validators", "same", "newsboat-16", 0.5),
    ]
    memory = bench.memory.get("tui-reader", [])
    if memory:
        tree = max(m[1] for m in memory)
        single = max(m[0] for m in memory)
        lines.append(
            f"| peak memory, refresh | ≤ 300 MB | {tree:.0f} MB (process tree; largest "
            f"process {single:.0f} MB) | {'met' if tree <= 300 else '**missed**'} |"
        )
    if "tui-reader" in bench.sizes and "newsboat" in bench.sizes:
        ours, theirs = bench.sizes["tui-reader"], bench.sizes["newsboat"]
        lines.append(
            f"| database size | ≤ 1.2× newsboat's cache | {ours / 1e6:.1f} MB vs "
            f"{theirs / 1e6:.1f} MB = {ours / theirs:.2f}× | "
            f"{'met' if ours / theirs <= 1.2 else '**missed**'} |"
        )
    lines += [
        "",
        f"CLI start-up (`tui-reader refresh --help`): {spread(startup, 's', 3)}.",
        "",
    ]
    if bench.problems:
        lines += ["**Sanity checks failed** (figures above are not trustworthy):", ""]
        lines += [f"- {problem}" for problem in bench.problems[:20]]
    else:
        lines.append(
            "Sanity checks passed: every tui-reader run reported every feed and item; "
            "every newsboat cache held every item; the floor fetched every feed."
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--listeners", type=int, default=16, help="origins (ports) the feeds are spread over"
    )
    parser.add_argument("--out", type=Path, default=OUT / "refresh.md")
    args = parser.parse_args(argv)
    if shutil.which("newsboat") is None:
        parser.error("newsboat is not installed (apt-get install newsboat)")
    if not (VENV_BIN / "tui-reader").exists():
        parser.error(f"{VENV_BIN / 'tui-reader'} missing: install the project into .venv")

    corpus = ensure_corpus(args.feeds, args.items, args.seed)
    corpus_mb = sum(p.stat().st_size for p in corpus.glob("feed-*")) / 1e6
    with tempfile.TemporaryDirectory(prefix="tui-reader-bench-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, HOME=str(work / "home"), XDG_CONFIG_HOME=str(work / "xdg"))
        env.pop("TUI_READER_CONFIG", None)
        env.pop("TUI_READER_DATA_DIR", None)
        bench = Bench(work=work, feeds=args.feeds, items=args.items, env=env)
        startup = startup_times(bench, 5)
        run_rounds(bench, corpus, args.latency_ms, args.listeners, args.repeats)
    text = report(bench, args, corpus_mb, startup)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 1 if bench.problems else 0


if __name__ == "__main__":
    sys.exit(main())
