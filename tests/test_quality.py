"""The code stays as the style guide asks: ruff clean and formatted, the core mypy clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_check_and_format() -> None:
    lint = run("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatted = run("ruff", "format", "--check", ".")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def test_core_is_mypy_clean() -> None:
    result = run(
        "mypy", "--ignore-missing-imports", "--no-incremental", "tui_reader",
        "--exclude", "tui_reader/ui",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
