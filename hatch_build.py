"""Hatchling build hook: compile the gettext catalogues (.po → .mo) into the package.

Runs for wheels, sdists' wheels and editable installs (`pip install -e .`), so an installed
tui-reader always finds `tui_reader/locales/<lang>/LC_MESSAGES/tui_reader.mo`. The .mo files
are build products (git-ignored) and reach the wheel through `artifacts` in pyproject.toml.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # imported outside a build (tests, tools) only for compile_catalogues
    BuildHookInterface = object  # type: ignore[assignment,misc]


def compile_catalogues(locales: Path, *, only_stale: bool = False) -> list[Path]:
    """Write a .mo beside every .po under `locales` (with `only_stale`: only where the .mo is
    missing or older than its .po); return the .mo paths written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written: list[Path] = []
    for po_path in sorted(locales.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if only_stale and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # Written aside then renamed: a reader (another test worker) never sees half a file.
        temp_path = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
        with temp_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.replace(temp_path, mo_path)
        written.append(mo_path)
    return written


class CatalogueBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile the catalogues before the package files are collected."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        compile_catalogues(Path(self.root) / "tui_reader" / "locales")
