"""Hatchling build hook: compile the gettext catalogues (.po → .mo) into the package.

Runs for wheels, sdists' wheels and editable installs (`pip install -e .`), so an installed
tui-reader always finds `tui_reader/locales/<lang>/LC_MESSAGES/tui_reader.mo`. The .mo files
are build products (git-ignored) and reach the wheel through `artifacts` in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def compile_catalogues(locales: Path) -> list[Path]:
    """Write a .mo beside every .po under `locales`; return the .mo paths."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written: list[Path] = []
    for po_path in sorted(locales.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


class CatalogueBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile the catalogues before the package files are collected."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        compile_catalogues(Path(self.root) / "tui_reader" / "locales")
