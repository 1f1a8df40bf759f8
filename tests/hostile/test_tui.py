"""The reader, driven through Pilot, on the database a hostile refresh filled.

Every row is visited with `j` and opened (`j` in the reading pane opens the next item;
`enter` every tenth row too): nothing may raise, no worker may fail, the app
keeps running, and what the reading pane holds is clean.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.geometry import Region
from textual.widgets import Static

from tests.conftest import wait_until
from tests.hostile import test_encodings, test_injection, test_xml_attacks
from tests.hostile.harness import FORBIDDEN, FamilyRun, run_family, servers
from tests.ui.conftest import settle
from tui_reader.config import load_config
from tui_reader.models import Article
from tui_reader.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.widgets.headline_list import HeadlineList
from tui_reader.ui.widgets.reader_pane import ReaderPane

ODDITIES = {
    "odd-dates",
    "odd-missing-titles",
    "odd-guids",
    "odd-relative-links",
    "odd-huge-fields",
    "odd-scripts",
    "odd-sql-metacharacters",
    "odd-json-types",
}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FamilyRun]:
    from tests.hostile import test_data_oddities

    cases = [
        *test_injection.CASES,
        *test_xml_attacks.CASES,
        *test_encodings.CASES,
        *[case for case in test_data_oddities.CASES if case.name in ODDITIES],
    ]
    with servers(extra_hosts=0) as (http, raw):
        yield run_family(cases, http, raw, tmp_path_factory.mktemp("tui"))


def failed_notifications(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def assert_clean(article: Article) -> None:
    for value in (article.title, article.author, article.summary, article.body, article.feed):
        assert not FORBIDDEN.search(value), repr(value[:200])


def rendered_text(reader: ReaderPane) -> str:
    """What the reading pane draws: the header's lines, the body's visible lines, and every
    line the body holds for scrolling, as the text of their segments."""
    header = reader.query_one("#article-header", Static)
    body = reader.body
    strips = [
        *header.render_lines(Region(0, 0, header.size.width, header.size.height)),
        *(body.render_line(y) for y in range(body.size.height)),
        *body.lines,
    ]
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def assert_pane_is_clean(reader: ReaderPane, article: Article) -> None:
    shown = rendered_text(reader)
    assert not FORBIDDEN.search(shown), repr(shown[:300])
    # And it is this article that is drawn (the title may wrap: compare without spaces).
    title = "".join(article.title.split())[:20]
    assert title in "".join(shown.split()), (title, shown[:300])


async def test_every_hostile_row_opens(hostile_db: FamilyRun) -> None:
    config = load_config(hostile_db.config)
    store = Store.open(hostile_db.db_path)
    app = ReaderApp(config, store, background_refresh=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            headlines = screen.query_one(HeadlineList)
            reader = screen.query_one(ReaderPane)
            total = headlines.total
            assert total > 150
            await pilot.press("enter")
            await settle(pilot)
            seen: set[int] = set()
            for index in range(total):
                if index:
                    # With the reading pane focused, `j` moves down and opens the item; `enter`
                    # opens it again now and then (each key costs Pilot ~0.1 s, and there are
                    # a few hundred rows).
                    await pilot.press("j")
                    if index % 10 == 0:
                        await pilot.press("enter")
                    await settle(pilot)
                assert app.is_running
                assert headlines.cursor == index
                assert reader.article is not None
                assert reader.article.id == headlines.current.id  # type: ignore[union-attr]
                assert_clean(reader.article)
                assert_pane_is_clean(reader, reader.article)
                seen.add(reader.article.id)
            assert len(seen) == total
            assert not failed_notifications(app), failed_notifications(app)
            # Search with metacharacters from the prompt, then quit cleanly.
            await pilot.press("slash")
            await pilot.press(*"'%_\"[@click=app.quit]")
            await pilot.press("enter")
            await settle(pilot)
            assert app.is_running
            assert not failed_notifications(app), failed_notifications(app)
            await pilot.press("escape", "escape")
            assert app.return_code is None
            await pilot.press("q")
            await wait_until(pilot, lambda: app.return_code is not None)
        assert app.return_code == 0
    finally:
        store.close()
