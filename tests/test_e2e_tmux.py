"""End to end: the installed `tui-reader --demo` in a real terminal (tmux), driven by keys."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.tmux import SCRIPT, Tmux, needs_tmux, search_and_open

pytestmark = needs_tmux


def test_demo_open_tiktok_and_bookmark_it(tmux: Tmux, tmp_path: Path) -> None:
    data_dir = tmp_path / "demo-data"
    session = tmux.start(f"{SCRIPT} --demo --data-dir {data_dir}")
    tmux.wait_for(session, "Fuite de données")
    screen = search_and_open(tmux, session, "tiktok", "une menace qui pesait")
    assert "TikTok sollicite" in screen
    tmux.keys(session, "b")
    tmux.wait_for(session, "Bookmarked")
    tmux.quit(session)  # `q` must end the app (and with it the session)

    result = subprocess.run(
        [str(SCRIPT), "--demo", "--data-dir", str(data_dir), "bookmarks", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    bookmarks = json.loads(result.stdout)
    assert [b["title"] for b in bookmarks] == [
        "Face à son interdiction aux USA, TikTok sollicite l’aide de Facebook et Instagram"
    ]
    assert bookmarks[0]["bookmarked"] is True and bookmarks[0]["read"] is True
