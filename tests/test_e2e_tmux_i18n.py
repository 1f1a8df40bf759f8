"""End to end in both languages: the installed `tui-reader --demo` in tmux, per LANG."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tmux import SCRIPT, Tmux, needs_tmux

pytestmark = needs_tmux


@pytest.mark.parametrize(
    ("lang", "hints", "absent"),
    [
        pytest.param("fr_FR.UTF-8", "? Aide  q Quitter", "? Help", id="fr-hints-in-french"),
        pytest.param("C.UTF-8", "? Help  q Quit", "Aide", id="C-hints-in-english"),
    ],
)
def test_demo_speaks_the_language_of_lang(
    tmux: Tmux, tmp_path: Path, lang: str, hints: str, absent: str
) -> None:
    session = tmux.start(
        f"{SCRIPT} --demo --data-dir {tmp_path / 'demo-data'}",
        f"LANG={lang}", "LC_ALL=", "LC_MESSAGES=",
    )  # fmt: skip
    screen = tmux.wait_for(session, hints)
    assert absent not in screen
    assert "Fuite de données" in screen  # the headlines are there too
    tmux.quit(session)
