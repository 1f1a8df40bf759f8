"""Issue 11: what the reader's first frame does not need is not imported before it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

DEFERRED = [
    "tui_reader.ui.commands",  # the palette's commands: when the palette opens
    "tui_reader.ui.organise",  # the add / remove / save-view dialogs: on their keys
    "html",  # a refresh's search-index text (tui_reader.deferred.plain_text)
    "hashlib",  # a refresh's content hashes (tui_reader.deferred.content_hash)
    "shlex",  # $BROWSER, when a link opens
]


def test_the_first_frame_imports_none_of_the_deferred_modules(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import asyncio, json, sys
        from pathlib import Path
        from tui_reader.models import Config, FeedConfig, ParsedEntry
        from tui_reader.store import Store
        from tui_reader.ui.app import ReaderApp
        from tui_reader.ui.widgets.headline_list import HeadlineList

        feed = FeedConfig(name="Numerama", url="https://numerama.example/feed")
        store = Store.open(Path({str(tmp_path / "db.sqlite")!r}))
        store.sync_feeds([feed])
        entry = ParsedEntry(
            guid="a", title="Premier titre", link="https://numerama.example/a", author="",
            published="2026-11-28T11:00:00+00:00", summary="", body="",
        )
        store.upsert_entries(feed.url, [entry], now="2026-11-28T12:00:00+00:00")

        async def main() -> None:
            app = ReaderApp(Config(feeds=(feed,)), store, background_refresh=False)
            async with app.run_test(size=(120, 30)) as pilot:
                headlines = app.screen.query_one(HeadlineList)
                while headlines.article_at(0) is None:
                    await pilot.pause()
                print(json.dumps(sorted(sys.modules)))

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "tui_reader.ui.screens.main" in loaded  # the probe ran the app
    assert [name for name in DEFERRED if name in loaded] == []
