"""End to end in tmux: the demo's TikTok story shows its picture in half-block cells, and the
article rewraps when the terminal shrinks from 120×40 to 80×24."""

from __future__ import annotations

from pathlib import Path

from tests.tmux import SCRIPT, Tmux, needs_tmux, search_and_open

pytestmark = needs_tmux


def test_demo_picture_in_half_blocks_and_rewrap_on_resize(tmux: Tmux, tmp_path: Path) -> None:
    # Without COLUMNS/LINES (set under pytest): the app must read the size of its terminal.
    session = tmux.start(f"env -u COLUMNS -u LINES {SCRIPT} --demo --data-dir {tmp_path / 'd'}")
    tmux.wait_until(session, lambda screen: "Fuite de données" in screen
                    and max(map(len, screen.splitlines())) > 100)  # fmt: skip
    search_and_open(tmux, session, "tiktok", "une menace qui pesait")
    tmux.keys(session, "space")
    # The picture follows its alt text (it is downloaded, here read from the bundle).
    tmux.wait_until(session, lambda screen: screen.count("▀▀▀▀▀▀▀▀▀▀") >= 4)
    # Now that it is drawn, read the page again from the top: the picture, its alt text.
    tmux.keys(session, "PageUp")
    tmux.wait_for(session, "C’est une menace")
    tmux.keys(session, "space")
    tmux.wait_until(
        session,
        lambda screen: (
            screen.count("▀▀▀▀▀▀▀▀▀▀") >= 6
            and "Un smartphone affichant le logo de TikTok" in screen
        ),
    )
    # Colours, not only characters: the cells carry foreground and background colours.
    coloured = tmux.screen(session, colours=True)
    assert "▀" in coloured and ("48;5;" in coloured or "48;2;" in coloured)

    tmux.keys(session, "PageUp")
    tmux.wait_for(session, "C’est une menace")
    tmux("resize-window", "-t", session, "-x", "80", "-y", "24")
    # At 120 columns "chinoise" ends the first line and "détenue" starts the second; left
    # unwrapped at 80 the first line would be cut after "TikTok,". Rewrapped, they meet.
    tmux.wait_until(session, lambda screen: "application chinoise détenue" in screen)
    tmux.quit(session)
