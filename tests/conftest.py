"""Shared fixtures: keep this file small; module-specific fixtures live beside their tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_reader.i18n import LOCALE_DIR, set_language


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """The .mo files, as the build hook writes them (recompiled when a .po is newer)."""
    from hatch_build import compile_catalogues

    compile_catalogues(Path(LOCALE_DIR), only_stale=True)


@pytest.fixture(autouse=True)
def english_interface(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read English unless they ask for French, whatever the machine's locale."""
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")
