"""Article extraction benchmark: tui_reader.extract.extract_markdown on the shared pages.

Runs ../shared/extraction-bench/evaluate.py (one subprocess per suite) with our callable,
then writes a Markdown summary with the issue's targets to bench/out/extract.md.

Targets (issue 5), on this 2-core machine:
  aeb (181 pages):  F1 ≥ 0.955, precision ≥ 0.945, recall ≥ 0.960, no page empty,
                    median ≤ 20 ms and p95 ≤ 50 ms per page
  fr-snippets (26): F1 ≥ 0.93

Run: .venv/bin/python bench/extract.py [--bench DIR] [--limit N] [--repeat N]
Exit status 1 when a target is missed. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALLABLE = "tui_reader.extract:extract_markdown"
SUITES = ("aeb", "fr-snippets")
# suite -> (metric, comparison, threshold); times are in milliseconds
TARGETS: dict[str, list[tuple[str, str, float]]] = {
    "aeb": [
        ("f1", ">=", 0.955),
        ("precision", ">=", 0.945),
        ("recall", ">=", 0.960),
        ("empty", "<=", 0),
        ("median_ms", "<=", 20.0),
        ("p95_ms", "<=", 50.0),
    ],
    "fr-snippets": [("f1", ">=", 0.93)],
}


def run_suite(evaluate: Path, suite: str, out: Path, limit: int | None, repeat: int) -> dict:
    """Run evaluate.py for one suite and return our callable's result record."""
    command = [
        sys.executable,
        str(evaluate),
        "--callable",
        CALLABLE,
        "--callable-format",
        "markdown",
        "--suite",
        suite,
        "--out",
        str(out),
        "--repeat",
        str(repeat),
    ]
    if limit:
        command += ["--limit", str(limit)]
    print(f"[bench] {suite}: {' '.join(command[1:])}", file=sys.stderr, flush=True)
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return next(r for r in results if r["name"] == CALLABLE)


def figures(result: dict) -> dict[str, float]:
    """The numbers the targets talk about, flattened."""
    metrics, times = result["metrics"], result["time_ms"]
    return {
        "f1": metrics["f1"],
        "f1_std": metrics.get("f1_std", 0.0),
        "precision": metrics["precision"],
        "recall": metrics["recall"],
        "empty": result["empty"],
        "errors": result["errors"],
        "pages": result["pages"],
        "median_ms": times["median"],
        "p95_ms": times["p95"],
        "mean_ms": times["mean"],
    }


def check(value: float, op: str, threshold: float) -> bool:
    """Whether a figure meets its target."""
    return value >= threshold if op == ">=" else value <= threshold


def summary(rows: dict[str, dict[str, float]], versions: str) -> tuple[str, bool]:
    """The Markdown report and whether every target was met."""
    lines = [
        f"# Extraction benchmark: `{CALLABLE}`",
        "",
        f"Versions: {versions}",
        "",
        "| suite | pages | F1 | precision | recall | empty | errors | median ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for suite, f in rows.items():
        lines.append(
            f"| {suite} | {f['pages']} | {f['f1']:.3f} ± {f['f1_std']:.3f} | "
            f"{f['precision']:.3f} | {f['recall']:.3f} | {f['empty']} | {f['errors']} | "
            f"{f['median_ms']:.1f} | {f['p95_ms']:.1f} |"
        )
    lines += ["", "| suite | target | value | met |", "|---|---|---|---|"]
    all_met = True
    for suite, f in rows.items():
        for name, op, threshold in TARGETS[suite]:
            met = check(f[name], op, threshold)
            all_met &= met
            value = f[name]
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            verdict = "yes" if met else "NO"
            lines.append(f"| {suite} | {name} {op} {threshold:g} | {shown} | {verdict} |")
    return "\n".join(lines) + "\n", all_met


def main() -> int:
    """Run both suites, print and write the summary; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--bench",
        type=Path,
        default=ROOT.parent / "shared" / "extraction-bench",
        help="the extraction-bench folder (default: ../shared/extraction-bench)",
    )
    parser.add_argument("--limit", type=int, help="only the first N pages of each suite")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per page (fastest kept)")
    args = parser.parse_args()
    evaluate = args.bench / "evaluate.py"
    if not evaluate.is_file():
        print(f"bench/extract.py: {evaluate} not found; pass --bench DIR", file=sys.stderr)
        return 2
    out_root = ROOT / "bench" / "out"
    rows: dict[str, dict[str, float]] = {}
    versions = ""
    for suite in SUITES:
        result = run_suite(
            evaluate, suite, out_root / "extraction" / suite, args.limit, args.repeat
        )
        rows[suite] = figures(result)
        versions = result["versions"]
    try:
        from importlib.metadata import version

        versions += f", trafilatura {version('trafilatura')}, lxml {version('lxml')}"
    except Exception:  # only decoration for the report
        pass
    text, all_met = summary(rows, versions)
    (out_root / "extract.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if all_met or args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
