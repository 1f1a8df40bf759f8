"""Run every benchmark and gather their Markdown into bench/out/RESULTS.md (issue 7).

    .venv/bin/python bench/run_all.py [--quick]

Runs bench/refresh.py (tui-reader vs newsboat vs bare httpx), bench/refresh_hosts.py (the
same over 50 loopback hosts with the default config, issue 11), bench/ui.py (the TUI at 50,000
articles), bench/store_queries.py and bench/extract.py when present, one after the other (never
in parallel: they would measure each other). `--quick` runs smaller versions to check the
machinery. A benchmark that fails is reported in RESULTS.md with its exit code and the end of
its output; the others still run.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"


def run(name: str, cmd: list[str], markdown: Path | None) -> str:
    """Run one benchmark; its Markdown (a file it writes, or its stdout in a code block)."""
    print(f"== {name}: {' '.join(cmd)}", file=sys.stderr)
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    print(f"   exit {result.returncode} after {elapsed:.0f} s", file=sys.stderr)
    if (
        markdown is not None
        and markdown.exists()
        and markdown.stat().st_mtime >= time.time() - elapsed - 1
    ):
        body = markdown.read_text(encoding="utf-8")
    else:
        body = f"## {name}\n\n```\n{result.stdout.strip()}\n```\n"
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        body += f"\n**{name} exited with {result.returncode}:**\n\n```\n{tail}\n```\n"
    return body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    args = parser.parse_args(argv)
    py = sys.executable
    quick_refresh = ["--feeds", "20", "--items", "10", "--repeats", "1"] if args.quick else []
    quick_hosts = (
        ["--feeds", "20", "--items", "10", "--hosts", "5", "--changed", "4"] if args.quick else []
    )
    quick_ui = ["--articles", "2000", "--repeats", "2", "--presses", "5"] if args.quick else []
    suites: list[tuple[str, list[str], Path | None]] = [
        ("Refresh", [py, str(BENCH / "refresh.py"), *quick_refresh], OUT / "refresh.md"),
        (
            "Refresh over 50 sites, default config",
            [py, str(BENCH / "refresh_hosts.py"), *quick_hosts],
            OUT / "refresh_hosts.md",
        ),
        ("TUI", [py, str(BENCH / "ui.py"), *quick_ui], OUT / "ui.md"),
    ]
    if (BENCH / "store_queries.py").exists():
        quick_store = ["--articles", "5000"] if args.quick else []
        suites.append(("Store queries", [py, str(BENCH / "store_queries.py"), *quick_store], None))
    if (BENCH / "extract.py").exists():
        quick_extract = ["--limit", "3"] if args.quick else []
        suites.append(
            ("Extraction", [py, str(BENCH / "extract.py"), *quick_extract], OUT / "extract.md")
        )
    sections = [run(name, cmd, md) for name, cmd, md in suites]
    header = (
        "# tui-reader benchmarks\n\n"
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.platform()} · Python "
        f"{platform.python_version()}\n\nReproduce: `.venv/bin/python bench/run_all.py` "
        "(needs `apt-get install newsboat`).\n\n"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "RESULTS.md").write_text(header + "\n".join(sections), encoding="utf-8")
    print(header + "\n".join(sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
