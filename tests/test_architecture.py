"""The core never imports the UI stack; the headless CLI starts without it."""

from __future__ import annotations

import json
import subprocess
import sys

CORE_MODULES = [
    "tui_reader.actions",
    "tui_reader.charset",
    "tui_reader.config",
    "tui_reader.dates",
    "tui_reader.feed_dates",
    "tui_reader.demo",
    "tui_reader.discover",
    "tui_reader.demo.fetcher",
    "tui_reader.errors",
    "tui_reader.extract",
    "tui_reader.fetch",
    "tui_reader.fulltext",
    "tui_reader.hooks",
    "tui_reader.links",
    "tui_reader.models",
    "tui_reader.notify",
    "tui_reader.opml",
    "tui_reader.parse",
    "tui_reader.paths",
    "tui_reader.query",
    "tui_reader.refresh",
    "tui_reader.rules",
    "tui_reader.schedule",
    "tui_reader.store",
    "tui_reader.text",
    "tui_reader.urls",
]


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def ui_modules(modules: set[str]) -> set[str]:
    return {name for name in modules if name.split(".")[0] in ("textual", "rich")}


def test_core_imports_neither_textual_nor_rich() -> None:
    modules = loaded_after("\n".join(f"import {name}" for name in CORE_MODULES))
    assert set(CORE_MODULES) <= modules
    assert ui_modules(modules) == set()


def test_headless_cli_does_not_load_the_ui(tmp_path) -> None:
    code = (
        "import contextlib, io\n"
        "from tui_reader.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['--demo', '--data-dir', {str(tmp_path)!r}, 'headlines', '--json'])\n"
    )
    modules = loaded_after(code)
    assert "textual" not in {name.split(".")[0] for name in modules}
