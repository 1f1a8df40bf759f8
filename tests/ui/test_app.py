"""The reader driven through Pilot: every key of SPEC's table, on a real SQLite store."""

from __future__ import annotations

import sqlite3
import threading
import webbrowser
from pathlib import Path

import pytest
from textual.widgets import Input, SelectionList, Static

from tests.conftest import record_error, wait_until
from tests.feeds import numbered_items, rss
from tests.ui.conftest import (
    AppFactory,
    MixedFetcher,
    help_table,
    main_screen,
    open_title,
    opened_links,
    sample_config,
    settle,
    started,
    text_of,
    wait_for_palette,
)
from tui_reader.actions import ACTIONS
from tui_reader.models import ArticleQuery, FeedConfig
from tui_reader.parse import parse_feed
from tui_reader.store import Store
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.screens.search import SearchScreen
from tui_reader.ui.screens.tags import TagPicker
from tui_reader.ui.widgets.headline_list import HeadlineList
from tui_reader.ui.widgets.reader_pane import ReaderPane

TIKTOK = "Face à son interdiction aux USA, TikTok sollicite l’aide de Facebook et Instagram"


async def test_start_lists_newest_first(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with started(app):
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.total == store.count(ArticleQuery()) == 45
        first = headlines.article_at(0)
        assert first is not None and first.title.startswith("Fuite de données")
        assert headlines.has_focus


async def test_j_k_and_arrows_move_the_cursor(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("j", "j", "down")
        assert headlines.cursor == 3
        await pilot.press("k", "up")
        assert headlines.cursor == 1


async def test_enter_opens_marks_read_and_escape_goes_back(
    make_app: AppFactory, store: Store
) -> None:
    app = make_app()
    async with started(app) as pilot:
        headlines = main_screen(app).query_one(HeadlineList)
        target = headlines.current
        assert target is not None and not target.read
        await pilot.press("enter")
        await settle(pilot)
        reader = main_screen(app).query_one(ReaderPane)
        assert reader.article is not None and reader.article.id == target.id
        assert reader.has_focus
        stored = store.get_article(target.id)
        assert stored is not None and stored.read
        assert headlines.current is not None and headlines.current.read
        await pilot.press("escape")
        assert headlines.has_focus
        await pilot.press("l")
        await settle(pilot)
        assert reader.has_focus
        await pilot.press("h")
        assert headlines.has_focus


async def test_j_in_the_reading_pane_opens_the_next_item(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        screen = main_screen(app)
        second = screen.query_one(HeadlineList).article_at(1)
        reader = screen.query_one(ReaderPane)
        assert second is not None and reader.article is not None
        assert reader.article.id == second.id


async def open_tiktok(pilot) -> None:
    await open_title(pilot, TIKTOK)


async def test_space_and_pages_scroll_the_article(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app, size=(100, 30)) as pilot:
        await open_tiktok(pilot)
        body = main_screen(app).query_one(ReaderPane).body
        assert body.max_scroll_y > 0
        await pilot.press("space")
        await wait_until(pilot, lambda: body.scroll_y > 0)
        first = body.scroll_y
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: body.scroll_y > first)
        await pilot.press("pageup")
        await wait_until(pilot, lambda: body.scroll_y < first + 1)
        assert body.scroll_y == pytest.approx(first, abs=1)


async def test_pagedown_in_the_list_moves_a_page(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        headlines = main_screen(app).query_one(HeadlineList)
        await pilot.press("pagedown")
        assert headlines.cursor == headlines.page_size()
        await pilot.press("pageup")
        assert headlines.cursor == 0


async def test_n_and_p_jump_between_unread(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with started(app) as pilot:
        headlines = main_screen(app).query_one(HeadlineList)
        second = headlines.article_at(1)
        assert second is not None
        store.set_read([second.id], True)
        await pilot.press("enter")  # reads row 0
        await settle(pilot)
        await pilot.press("n")  # row 1 is read already: lands on row 2
        await settle(pilot)
        assert headlines.cursor == 2
        reader = main_screen(app).query_one(ReaderPane)
        assert reader.article is not None and reader.article.id == headlines.article_at(2).id
        store.set_read([headlines.article_at(0).id], False)
        await pilot.press("p")
        await settle(pilot)
        assert headlines.cursor == 0


async def test_tab_cycles_focus(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        screen = main_screen(app)
        order = []
        for _ in range(2):  # no article open: the reading pane is hidden, not in the cycle
            await pilot.press("tab")
            order.append(app.focused.id if app.focused else None)
        assert set(order) == {"sidebar", "headlines"}
        await pilot.press("enter", "escape")  # open the first article, back to the list
        await settle(pilot)
        order = []
        for _ in range(3):
            await pilot.press("tab")
            order.append(app.focused.id if app.focused else None)
        assert set(order) == {"sidebar", "headlines", "reader"}
        await pilot.press("shift+tab")
        assert app.focused is not None and app.focused.id == order[1]
        assert screen is app.screen


async def test_m_toggles_read_and_A_marks_all_with_undo(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with started(app) as pilot:
        headlines = main_screen(app).query_one(HeadlineList)
        first = headlines.current
        assert first is not None
        await pilot.press("m")
        assert store.get_article(first.id).read
        await pilot.press("m")
        assert not store.get_article(first.id).read
        await pilot.press("A")
        await settle(pilot)
        assert store.count(ArticleQuery(unread=True)) == 0
        await pilot.press("u")
        await settle(pilot)
        assert store.count(ArticleQuery(unread=True)) == 45


async def test_bookmark_persists_across_restart(
    make_app: AppFactory, store: Store, db_path: Path
) -> None:
    app = make_app()
    async with started(app) as pilot:
        await open_tiktok(pilot)
        await pilot.press("b")
        reader = main_screen(app).query_one(ReaderPane)
        assert reader.article is not None
        bookmarked_id = reader.article.id
        # Written before the key returned: a second connection sees it at once.
        with Store.open(db_path) as other:
            assert [a.id for a in other.headlines(ArticleQuery(bookmarked=True))] == [bookmarked_id]
        await pilot.press("q")
    store.close()
    with Store.open(db_path) as reopened:
        again = make_app(app_store=reopened)
        async with started(again) as pilot:
            await pilot.press("B")
            await settle(pilot)
            headlines = main_screen(again).query_one(HeadlineList)
            assert headlines.total == 1
            assert headlines.current is not None and headlines.current.title == TIKTOK
            assert headlines.current.bookmarked


async def test_b_again_removes_the_bookmark(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with started(app) as pilot:
        first = main_screen(app).query_one(HeadlineList).current
        await pilot.press("b")
        assert store.get_article(first.id).bookmarked
        await pilot.press("b")
        assert not store.get_article(first.id).bookmarked


async def test_tag_picker_ands_tags_and_updates_counts(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with started(app) as pilot:
        await pilot.press("t")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, TagPicker)
        tags = list(picker.tags)
        assert {"tech", "fr", "mobile"} <= set(tags)
        assert picker.counts["mobile"] == store.count(ArticleQuery(tags=("mobile",)))
        selection = picker.query_one(SelectionList)
        selection.highlighted = tags.index("tech")
        await pilot.press("space")
        await settle(pilot)
        tech_count = store.count(ArticleQuery(tags=("tech",)))
        assert picker.counts["tech"] == tech_count
        assert picker.counts["jeux"] == store.count(ArticleQuery(tags=("tech", "jeux"))) == 0
        selection.highlighted = tags.index("mobile")
        await pilot.press("space")
        await settle(pilot)
        both = store.count(ArticleQuery(tags=("tech", "mobile")))
        assert 0 < both < tech_count
        assert picker.counts["fr"] == store.count(ArticleQuery(tags=("tech", "mobile", "fr")))
        await pilot.press("escape")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.filter.tags == ("tech", "mobile")
        assert screen.query_one(HeadlineList).total == both
        assert "#tech + #mobile" in text_of(screen.query_one("#filter-bar", Static))
        await pilot.press("T")
        await settle(pilot)
        assert screen.filter.tags == ()
        assert screen.query_one(HeadlineList).total == 45


async def test_search_with_filter_terms(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with started(app) as pilot:
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        app.screen.query_one(Input).value = "tiktok +fr -jeux is:unread @30d"
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(app)
        headlines = screen.query_one(HeadlineList)
        assert headlines.total >= 1
        titles = [headlines.article_at(i).title for i in range(headlines.total)]
        assert TIKTOK in titles
        assert "search: tiktok +fr" in text_of(screen.query_one("#filter-bar", Static))
        await pilot.press("escape")  # clears the search
        await settle(pilot)
        assert headlines.total == 45


async def test_accent_insensitive_search(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        main_screen(app).set_filter(main_screen(app).filter.__class__(search="donnees"))
        await settle(pilot)
        headlines = main_screen(app).query_one(HeadlineList)
        assert headlines.total >= 1
        assert any("données" in headlines.article_at(i).title for i in range(headlines.total))


async def test_o_opens_http_links_only_and_y_copies(make_app: AppFactory, monkeypatch) -> None:
    app = make_app()
    opened = opened_links(app, monkeypatch)
    async with started(app) as pilot:
        first = main_screen(app).query_one(HeadlineList).current
        await pilot.press("o")
        assert opened == [first.link]
        await pilot.press("y")
        assert app.clipboard == first.link
        # The hostile item's javascript: link never reaches the browser.
        app.links.open("javascript:alert(1)")
        app.links.open("file:///etc/passwd")
        assert opened == [first.link]


async def test_help_lists_every_binding(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app, size=(120, 50)) as pilot:
        table = await help_table(pilot)
        for action in ACTIONS:
            assert action.description in table
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_palette_goes_to_a_feed(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"go to feed korben")
        await wait_for_palette(pilot, first="Korben")
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.filter.feed == "Korben (démo)"
        assert screen.query_one(HeadlineList).total == 10


async def test_q_quits(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app) as pilot:
        assert app.return_code is None
        await pilot.press("q")
        await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0


async def test_markup_and_controls_in_titles_are_shown_literally(make_app: AppFactory) -> None:
    app = make_app()
    async with started(app, size=(160, 40)) as pilot:
        screen = main_screen(app)
        screen.set_filter(screen.filter.__class__(feed="Hostile [red]feed[/]"))
        await settle(pilot)
        headlines = screen.query_one(HeadlineList)
        assert headlines.total == 2
        rows = ["".join(seg.text for seg in headlines.render_line(y)) for y in range(2)]
        assert "[bold red]Pwned[/] [@click=app.quit]click me[/]" in rows[0]
        assert "\x1b" not in rows[1] and "\x07" not in rows[1]
        assert "clipboard" in rows[1]
        await pilot.press("enter")
        await settle(pilot)
        header = text_of(screen.query_one("#article-header", Static))
        assert "[bold red]Pwned[/]" in header
        assert app.is_running  # the [@click=app.quit] text did not act


async def test_keys_remapped_from_config(make_app: AppFactory, store: Store) -> None:
    config = sample_config()
    config = config.__class__(settings=config.settings, feeds=config.feeds, keys={"bookmark": "x"})
    app = make_app(config=config)
    async with started(app) as pilot:
        first = main_screen(app).query_one(HeadlineList).current
        await pilot.press("x")
        assert store.get_article(first.id).bookmarked
        await pilot.press("b")
        assert store.get_article(first.id).bookmarked  # b no longer toggles


async def test_sidebar_shows_feed_error_mark(make_app: AppFactory, store: Store) -> None:
    record_error(
        store, sample_config().feeds[0].url, "HTTP 404 Not Found", "2026-11-28T11:00:00+00:00"
    )
    app = make_app()
    async with started(app):
        sidebar = main_screen(app).query_one("#sidebar")
        prompts = [str(option.prompt) for option in sidebar.options]
        assert any(p.startswith("⚠ Numerama") for p in prompts)
        assert sidebar.feed_errors["Numerama (démo)"] == "HTTP 404 Not Found"


async def test_refresh_from_a_local_server_keeps_keys_working(
    make_app: AppFactory, store: Store, httpserver
) -> None:
    """R refreshes every feed through real HTTP while j keeps moving; the cursor stays put."""

    release = threading.Event()

    def slow_feed(request):
        from werkzeug import Response

        release.wait(5)
        return Response(
            rss("Local", numbered_items(4, "Local", day=29)), content_type="application/rss+xml"
        )

    httpserver.expect_request("/slow.xml").respond_with_handler(slow_feed)
    httpserver.expect_request("/gone.xml").respond_with_data("no", status=410)
    local = (
        FeedConfig(name="Local", url=httpserver.url_for("/slow.xml"), tags=("tech",)),
        FeedConfig(name="Gone", url=httpserver.url_for("/gone.xml"), tags=()),
    )
    config = sample_config(extra=local, timeout=10)
    store.sync_feeds(config.feeds)
    app = make_app(config=config, make_fetcher=MixedFetcher)
    app.index_delay = 600  # only the refresh indexes what it stored (see the last check)
    async with started(app) as pilot:
        screen = main_screen(app)
        headlines = screen.query_one(HeadlineList)
        await pilot.press("j", "j")
        reading = headlines.current
        await pilot.press("R")
        await wait_until(pilot, lambda: app.refresher.refreshing)
        await pilot.press("j", "k")  # keys answer while the slow feed holds the refresh
        assert headlines.cursor == 2 and app.refresher.refreshing
        release.set()
        await settle(pilot)
        assert not app.refresher.refreshing
        assert headlines.total == 45 + 4
        assert headlines.current is not None and headlines.current.id == reading.id
        sidebar = screen.query_one("#sidebar")
        assert "Gone" in sidebar.feed_errors and "410" in sidebar.feed_errors["Gone"]
        assert store.count(ArticleQuery(feed="Local")) == 4
        await wait_until(pilot, lambda: pending_index(store) == 0)  # indexed in the background


async def test_articles_stored_before_the_launch_are_indexed_in_the_background(
    make_app: AppFactory, store: Store
) -> None:
    assert pending_index(store) == 45  # as a refresh stores them: waiting for the index
    app = make_app()
    app.index_delay = 0.1
    async with started(app) as pilot:
        await wait_until(pilot, lambda: pending_index(store) == 0)


def pending_index(store: Store) -> int:
    with store.reading() as conn:
        return conn.execute("SELECT count(*) FROM articles WHERE indexed = 0").fetchone()[0]


async def test_f_fetches_the_full_article(make_app: AppFactory, store: Store, httpserver) -> None:
    """A summary-only item: f fetches its page from a local server and the pane shows it."""

    page = (
        "<html><head><title>Page</title></head><body><nav>Menu Accueil</nav><article>"
        "<h1>Le titre complet</h1>"
        + "".join(
            f"<p>Paragraphe {n} du texte intégral de l’article, assez long pour "
            "être retenu par l’extracteur comme contenu principal.</p>"
            for n in range(12)
        )
        + "</article><footer>Pied de page</footer></body></html>"
    )
    httpserver.expect_request("/article").respond_with_data(
        page, content_type="text/html; charset=utf-8"
    )
    feed_url = httpserver.url_for("/short.xml")
    link = httpserver.url_for("/article") + "?utm_source=rss&id=7"
    body = rss(
        "Short",
        [
            {
                "title": "Un résumé",
                "link": link,
                "guid": "s1",
                "pubDate": "Sun, 29 Nov 2026 08:00:00 +0000",
                "description": "Le début seulement… Lire la suite",
            }
        ],
    )
    config = sample_config(extra=(FeedConfig(name="Short", url=feed_url, tags=("fr",)),))
    store.sync_feeds(config.feeds)
    store.upsert_entries(
        feed_url, parse_feed(body, url=feed_url).entries, now="2026-11-29T09:00:00+00:00"
    )
    app = make_app(config=config, make_fetcher=MixedFetcher)
    async with started(app) as pilot:
        screen = main_screen(app)
        headlines = screen.query_one(HeadlineList)
        assert headlines.current is not None and headlines.current.title == "Un résumé"
        assert "utm_source" not in headlines.current.link
        await pilot.press("enter")
        await settle(pilot)
        header = text_of(screen.query_one("#article-header", Static))
        assert "summary only" in header
        await pilot.press("f")
        await settle(pilot)
        await settle(pilot)
        reader = screen.query_one(ReaderPane)
        assert reader.article is not None and reader.article.full_text
        assert "Paragraphe 11 du texte intégral" in reader.article.full_text
        assert "full article" in text_of(screen.query_one("#article-header", Static))
        stored = store.get_article(reader.article.id)
        assert stored is not None and stored.full_text == reader.article.full_text


async def test_n_crosses_to_the_next_feed_with_unread(make_app: AppFactory, store: Store) -> None:
    app = make_app()
    async with started(app) as pilot:
        screen = main_screen(app)
        korben = ArticleQuery(feed="Korben (démo)")
        store.mark_all_read(korben)
        screen.set_filter(screen.filter.__class__(feed="Korben (démo)"))
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert screen.filter.feed == "Next (démo)"
        reader = screen.query_one(ReaderPane)
        assert reader.article is not None and reader.article.feed == "Next (démo)"
        assert screen.query_one(HeadlineList).current.id == reader.article.id


async def test_a_locked_database_does_not_crash_the_reader(
    make_app: AppFactory, db_path: Path
) -> None:
    """Another process holding the write lock: b reports it in one line and the app runs on."""

    impatient = Store.open(db_path, busy_timeout=0.2)
    app = make_app(app_store=impatient)
    async with started(app) as pilot:
        blocker = sqlite3.connect(db_path, timeout=0.1)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            await pilot.press("b")
            await wait_until(
                pilot, lambda: any(str(db_path) in n.message for n in app._notifications)
            )
            assert app.is_running
        finally:
            blocker.rollback()
            blocker.close()
        first = main_screen(app).query_one(HeadlineList).current
        await pilot.press("b")
        assert app.store.get_article(first.id).bookmarked
    impatient.close()


async def test_two_feeds_with_one_name_do_not_break_the_sidebar(
    make_app: AppFactory, store: Store
) -> None:
    """A feed whose URL changed keeps its old entry for a bookmark: same name, two feeds."""
    old = sample_config().feeds[0]
    first = store.headlines(ArticleQuery(feed=old.name), limit=1)[0]
    store.set_bookmarked(first.id, True)
    moved = FeedConfig(name=old.name, url=old.url + "?moved", tags=old.tags)
    config = sample_config()
    config = config.__class__(settings=config.settings, feeds=(moved, *config.feeds[1:]))
    store.sync_feeds(config.feeds)
    app = make_app(config=config)
    async with started(app):
        sidebar = main_screen(app).query_one("#sidebar")
        names = [name for name in sidebar.feed_names.values() if name == old.name]
        assert len(names) == 2
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_r_refreshes_only_the_current_feed(
    make_app: AppFactory, store: Store, httpserver
) -> None:
    httpserver.expect_request("/one.xml").respond_with_data(
        rss("One", numbered_items(3, "One", day=29)), content_type="application/rss+xml"
    )
    httpserver.expect_request("/two.xml").respond_with_data(
        rss("Two", numbered_items(2, "Two", day=29)), content_type="application/rss+xml"
    )
    local = (
        FeedConfig(name="One", url=httpserver.url_for("/one.xml")),
        FeedConfig(name="Two", url=httpserver.url_for("/two.xml")),
    )
    config = sample_config(extra=local)
    store.sync_feeds(config.feeds)
    app = make_app(config=config, make_fetcher=MixedFetcher)
    async with started(app) as pilot:
        screen = main_screen(app)
        screen.set_filter(screen.filter.__class__(feed="One"))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert store.count(ArticleQuery(feed="One")) == 3
        assert store.count(ArticleQuery(feed="Two")) == 0
        assert screen.query_one(HeadlineList).total == 3
        paths = [request.path for request, _ in httpserver.log]
        assert paths == ["/one.xml"]


async def test_refresh_fetches_full_text_for_summary_only_items(
    make_app: AppFactory, store: Store, httpserver
) -> None:
    page = (
        "<html><body><article>"
        + "".join(
            f"<p>Paragraphe {n} de l’article complet, avec assez de texte pour un extracteur.</p>"
            for n in range(12)
        )
        + "</article></body></html>"
    )
    httpserver.expect_request("/page").respond_with_data(page, content_type="text/html")
    items = [{"title": "Résumé", "link": httpserver.url_for("/page"), "guid": "r1",
              "pubDate": "Sun, 29 Nov 2026 08:00:00 +0000",
              "description": "Le début… [Lire la suite]"}]  # fmt: skip
    httpserver.expect_request("/short.xml").respond_with_data(
        rss("Short", items), content_type="application/rss+xml"
    )
    short = FeedConfig(name="Short", url=httpserver.url_for("/short.xml"), full_articles="auto")
    config = sample_config(extra=(short,))
    store.sync_feeds(config.feeds)
    app = make_app(config=config, make_fetcher=MixedFetcher)
    async with started(app) as pilot:
        main_screen(app).run_refresh([short])
        await settle(pilot)
        await settle(pilot)
        (article,) = store.headlines(ArticleQuery(feed="Short"))
        stored = store.get_article(article.id)
        assert stored is not None and stored.full_text is not None
        assert "Paragraphe 11 de l’article complet" in stored.full_text


async def test_o_without_a_display_uses_a_terminal_browser_or_copies(
    make_app: AppFactory, monkeypatch
) -> None:
    """Over SSH: webbrowser gets the terminal; when it finds no browser, the link is copied."""

    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    tried: list[str] = []

    def no_browser(url: str, *args: object, **kwargs: object) -> bool:
        tried.append(url)
        return False

    monkeypatch.setattr(webbrowser, "open", no_browser)
    app = make_app()
    async with started(app) as pilot:
        first = main_screen(app).query_one(HeadlineList).current
        await pilot.press("o")
        await wait_until(pilot, lambda: tried)
        assert tried == [first.link]
        assert app.clipboard == first.link
        assert app.is_running
