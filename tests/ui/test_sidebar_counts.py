"""The sidebar updates counts in place after a refresh instead of rebuilding its list."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui_reader.store import FeedCount
from tui_reader.ui.widgets.sidebar import Sidebar, SidebarTotals


def totals(unread: dict[str, int], *, failing: str = "", extra: str = "") -> SidebarTotals:
    names = ["Alpha", "Beta", "Gamma", *([extra] if extra else [])]
    feeds = [
        FeedCount(
            name,
            f"https://{name.lower()}.example/feed",
            ("tech",),
            100,
            unread.get(name, 0),
            "error" if name == failing else "ok",
            "HTTP 500" if name == failing else None,
        )
        for name in names
    ]
    return SidebarTotals(300, sum(unread.values()), 2, {"tech": 300}, feeds)


class SidebarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Sidebar(id="sidebar")


async def test_counts_change_in_place_and_the_highlight_stays() -> None:
    app = SidebarApp()
    async with app.run_test(size=(40, 20)):
        sidebar = app.query_one(Sidebar)
        sidebar.show_totals(totals({"Alpha": 1, "Beta": 2, "Gamma": 3}))
        ids = [option.id for option in sidebar.options]
        sidebar.highlighted = ids.index("feed:https://beta.example/feed")
        before = list(sidebar.options)
        sidebar.show_totals(totals({"Alpha": 1, "Beta": 20, "Gamma": 3}))
        after = list(sidebar.options)
        # The very same options (no rebuild); the changed ones show their new numbers.
        assert all(a is b for a, b in zip(before, after, strict=True))
        assert "20" in str(sidebar.get_option("feed:https://beta.example/feed").prompt)
        assert str(sidebar.get_option("view:unread").prompt).split()[-1] == "24"
        assert sidebar.highlighted_option is not None
        assert sidebar.highlighted_option.id == "feed:https://beta.example/feed"


async def test_a_new_feed_or_a_failure_rebuilds() -> None:
    app = SidebarApp()
    async with app.run_test(size=(40, 20)):
        sidebar = app.query_one(Sidebar)
        sidebar.show_totals(totals({"Alpha": 1}))
        sidebar.show_totals(totals({"Alpha": 1}, extra="Delta"))
        assert sidebar.get_option("feed:https://delta.example/feed") is not None
        sidebar.show_totals(totals({"Alpha": 1}, failing="Beta", extra="Delta"))
        assert "⚠" in str(sidebar.get_option("feed:https://beta.example/feed").prompt)
        assert sidebar.feed_errors == {"Beta": "HTTP 500"}
