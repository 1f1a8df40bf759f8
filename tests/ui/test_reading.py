"""The reading pane: pictures inline, links by number, rewrap on resize, counts on open."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from textual.command import CommandList, CommandPalette
from textual.widgets import Static

from tests.conftest import wait_until
from tests.hostile_server import HostileServer, read_request
from tests.ui.conftest import (
    FETCHED_AT,
    AppFactory,
    main_screen,
    opened_links,
    sample_config,
    select_title,
    settle,
    settle_all,
    started,
    wait_for_palette,
)
from tests.ui.test_app import open_tiktok
from tui_reader.demo.fetcher import DemoFetcher
from tui_reader.images import ImageResult
from tui_reader.models import ArticleQuery, FeedConfig, FeedResult
from tui_reader.parse import parse_feed
from tui_reader.store import Store
from tui_reader.ui.screens.links import LinkList
from tui_reader.ui.screens.main import MainScreen, refresh_message
from tui_reader.ui.widgets.headline_list import HeadlineList
from tui_reader.ui.widgets.reader_pane import ReaderPane, render_article
from tui_reader.ui.widgets.sidebar import Sidebar

TIKTOK_ALT = "Un smartphone affichant le logo de TikTok"


def body_text(app) -> list[str]:
    body = main_screen(app).query_one(ReaderPane).body
    return [strip.text for strip in body.lines]


async def test_demo_picture_is_drawn_in_half_cells_above_its_alt_text(
    make_app: AppFactory,
) -> None:
    app = make_app(sample_config(images="halfcell"), demo=True, make_fetcher=DemoFetcher)
    async with started(app) as pilot:
        await open_tiktok(pilot)
        await settle_all(pilot)
        lines = body_text(app)
        alt_row = next(i for i, line in enumerate(lines) if TIKTOK_ALT in line)
        picture_rows = [i for i, line in enumerate(lines) if "▀" in line]
        assert len(picture_rows) >= 8
        assert picture_rows == list(range(picture_rows[0], alt_row))
        body = main_screen(app).query_one(ReaderPane).body
        colours = {
            segment.style.bgcolor.triplet
            for segment in body.lines[picture_rows[4]]
            if segment.style is not None and segment.style.bgcolor is not None
        }
        assert len(colours) > 3  # a picture, not a blank rectangle


async def test_images_off_shows_only_the_alt_text(make_app: AppFactory) -> None:
    app = make_app(sample_config(images="off"), demo=True, make_fetcher=DemoFetcher)
    async with started(app) as pilot:
        await open_tiktok(pilot)
        await settle_all(pilot)
        lines = body_text(app)
        assert any(TIKTOK_ALT in line for line in lines)
        assert not any("▀" in line for line in lines)
        assert app.pictures.loaded == {}  # nothing was even loaded


BLACK_FRIDAY = "Black Friday : cinq réflexes pour ne pas se faire avoir en ligne"


async def open_link_list(pilot) -> LinkList:
    await pilot.press("L")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LinkList)
    return screen


async def test_L_lists_links_numbered_own_link_first_and_digits_open(
    make_app: AppFactory, monkeypatch
) -> None:
    app = make_app()
    opened = opened_links(app, monkeypatch)
    async with started(app) as pilot:
        await select_title(pilot, BLACK_FRIDAY)
        screen = await open_link_list(pilot)
        assert [(link.number, link.text, link.url) for link in screen.links] == [
            (
                1,
                "The article",
                "https://www.numerama.com/tech/black-friday-reflexes-arnaques-en-ligne.html",
            ),
            (2, "Cybermalveillance.gouv.fr", "https://www.cybermalveillance.gouv.fr/"),
        ]
        await pilot.press("2")
        await settle(pilot)
        assert opened == ["https://www.cybermalveillance.gouv.fr/"]
        assert isinstance(app.screen, MainScreen)
        # enter opens the highlighted one (the first), as `o` would
        await open_link_list(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert opened[-1].endswith("black-friday-reflexes-arnaques-en-ligne.html")


async def test_L_then_y_copies_the_highlighted_link(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        await select_title(pilot, BLACK_FRIDAY)
        await open_link_list(pilot)
        await pilot.press("down", "y")
        await settle(pilot)
        assert app.clipboard == "https://www.cybermalveillance.gouv.fr/"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_a_number_past_the_list_opens_nothing(make_app: AppFactory, monkeypatch) -> None:
    app = make_app()
    opened = opened_links(app, monkeypatch)
    async with started(app) as pilot:
        await select_title(pilot, BLACK_FRIDAY)
        await open_link_list(pilot)
        await pilot.press("9")
        await settle(pilot)
        assert opened == []
        assert isinstance(app.screen, LinkList)


async def test_shrinking_the_terminal_rewraps_the_open_article(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        await open_tiktok(pilot)
        body = main_screen(app).query_one(ReaderPane).body
        wide = body.rendered_width
        assert wide == body.scrollable_content_region.width > 80
        await pilot.resize_terminal(80, 24)
        await settle_all(pilot)
        narrow = body.scrollable_content_region.width
        assert body.rendered_width == narrow < wide
        assert max(strip.cell_length for strip in body.lines) <= narrow
        # and back: the text fills the wider pane again
        await pilot.resize_terminal(120, 40)
        await settle_all(pilot)
        assert body.rendered_width == body.scrollable_content_region.width == wide


async def test_the_list_takes_the_room_until_an_article_opens(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        screen = main_screen(app)
        headlines = screen.query_one(HeadlineList)
        reader = screen.query_one(ReaderPane)
        assert not reader.display
        assert headlines.size.height >= 35
        await open_tiktok(pilot)
        assert reader.display and reader.size.height >= 15
        assert headlines.size.height < 20
        assert reader.body.rendered_width == reader.body.scrollable_content_region.width


async def test_the_first_article_is_rendered_once_at_the_width_the_pane_gets(
    make_app: AppFactory, monkeypatch
) -> None:
    """While no article is open the pane is hidden; the first one is rendered for the width
    the pane will have, not again when it appears (a 100 KB article costs ~0.3 s a render)."""
    import tui_reader.ui.reading as reading

    widths: list[int] = []
    real = reading.read_article

    def counting(store, article_id, width, *args, **kwargs):  # type: ignore[no-untyped-def]
        widths.append(width)
        return real(store, article_id, width, *args, **kwargs)

    monkeypatch.setattr(reading, "read_article", counting)
    for size in ((120, 40), (80, 24)):  # wide: below the list; narrow: stacked
        widths.clear()
        app = make_app(sample_config(images="off"))
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await open_tiktok(pilot)
            await settle_all(pilot)
            body = main_screen(app).query_one(ReaderPane).body
            assert widths == [body.scrollable_content_region.width], size
            assert body.rendered_width == widths[0]


async def test_opening_an_article_updates_the_sidebar_unread_counts(
    make_app: AppFactory, store: Store
) -> None:
    app = make_app()
    async with started(app) as pilot:
        screen = main_screen(app)
        before = screen.totals
        assert before is not None
        numerama = next(f for f in before.feeds if f.name.startswith("Numerama"))
        await open_tiktok(pilot)
        await settle_all(pilot)
        after = screen.totals
        assert after is not None and after.unread == before.unread - 1
        assert after.unread == store.count(ArticleQuery(unread=True))
        feed_after = next(f for f in after.feeds if f.name == numerama.name)
        assert feed_after.unread == numerama.unread - 1
        # what the sidebar draws, not only what it holds
        sidebar = screen.query_one(Sidebar)
        labels = [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]
        assert any(numerama.name in label and str(feed_after.unread) in label for label in labels)


async def test_counts_say_1_item_and_2_items(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        screen = main_screen(app)
        bar = screen.query_one("#filter-bar", Static)
        screen.set_filter(replace(screen.filter, search="TikTok"))
        await settle(pilot)
        assert screen.query_one(HeadlineList).total == 1
        assert str(bar.visual).endswith("   1 item")
        screen.set_filter(replace(screen.filter, search="sécurité"))
        await settle(pilot)
        total = screen.query_one(HeadlineList).total
        assert total >= 2
        assert str(bar.visual).endswith(f"   {total} items")


def test_refresh_message_counts_feeds_in_the_singular_and_plural() -> None:
    one = FeedResult("A", "https://a.example/", "ok", new_items=2)
    assert refresh_message([one]) == "Refreshed 1 feed: 2 new"
    assert refresh_message([one, one]) == "Refreshed 2 feeds: 4 new"


async def test_palette_describes_actions_in_words_with_their_keys(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        await pilot.press("ctrl+p", *"numbered")
        await wait_for_palette(pilot, hits=1)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        option = palette.query_one(CommandList).get_option_at_index(0)
        shown = str(option.prompt)
        assert "Numbered links" in shown and "Key: L" in shown
        assert "Action:" not in shown and "link_list" not in shown


def test_alt_text_is_data_never_markup() -> None:
    text = "Avant.\n\n![\\[bold red\\]Pwned\\[/\\] \\[@click=app.quit\\]x](https://e.example/p.png)\n\nAprès."
    failed = {"https://e.example/p.png": ImageResult("https://e.example/p.png", error="SVG")}
    lines = [strip.text for strip in render_article(text, 80, failed)]
    assert any("[bold red]Pwned[/] [@click=app.quit]x (SVG)" in line for line in lines)
    assert lines[0].startswith("Avant.") and lines[-1].startswith("Après.")


async def test_a_hanging_picture_download_never_holds_up_the_keys(
    make_app: AppFactory, store: Store
) -> None:
    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(3600)

    async with HostileServer(hang) as server:
        url = "http://127.0.0.1/slow-feed.xml"
        picture = server.url("/slow.png")
        rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>
<item><title>Avec image</title><link>https://s.example/1</link><guid>s1</guid>
<pubDate>Sat, 28 Nov 2026 11:00:00 +0000</pubDate>
<description><![CDATA[<p>Texte.</p><p><img src="{picture}" alt="Lente"></p>]]></description>
</item><item><title>Sans image</title><link>https://s.example/2</link><guid>s2</guid>
<pubDate>Sat, 28 Nov 2026 10:00:00 +0000</pubDate><description>Deuxième.</description></item>
</channel></rss>"""
        feed = FeedConfig(name="Lent", url=url)
        config = sample_config((feed,))
        store.sync_feeds(config.feeds)
        entries = parse_feed(rss.encode(), url=url, fetched_at=FETCHED_AT).entries
        store.upsert_entries(url, entries, now=FETCHED_AT)

        app = make_app(config)
        async with started(app) as pilot:
            screen = main_screen(app)
            screen.set_filter(replace(screen.filter, feed="Lent"))
            await settle(pilot)
            reader = screen.query_one(ReaderPane)

            async def until(condition) -> None:  # type: ignore[no-untyped-def]
                await wait_until(pilot, condition)

            await pilot.press("enter")
            await until(lambda: reader.article is not None and reader.article.title == "Avec image")
            await until(lambda: server.connections >= 1)  # the picture is being fetched
            assert any("Lente" in strip.text for strip in reader.body.lines)
            await pilot.press("j")
            await until(lambda: reader.article is not None and reader.article.title == "Sans image")
            # The next article is read while the picture still hangs (nothing came back).
            assert picture not in app.pictures.loaded
