"""The reader's organising parts through Pilot: views in the sidebar, the hidden toggle, the
add-feed dialog against a site on 127.0.0.1, saving a search as a view, removing a feed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pytest_httpserver import HTTPServer
from textual.widgets import Input, Static

from tests.conftest import wait_until
from tests.feeds import numbered_items, rss
from tests.ui.conftest import (
    AppFactory,
    MixedFetcher,
    main_screen,
    press_for_screen,
    sample_config,
    settle,
    started,
    text_of,
)
from tui_reader.config import load_config
from tui_reader.models import ArticleQuery, Config, RuleConfig, ViewConfig
from tui_reader.query import parse_search
from tui_reader.rules import reconcile
from tui_reader.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.messages import RemoveFeed, SaveSearchAsView
from tui_reader.ui.organise import AddFeedScreen, ConfirmScreen, TextPromptScreen
from tui_reader.ui.widgets.headline_list import HeadlineList
from tui_reader.ui.widgets.sidebar import Sidebar

from .conftest import FIXED_NOW

VIEWS = (
    ViewConfig("Sécurité", "+securite"),
    ViewConfig("Tech non lus", "+tech is:unread"),
)
HIDE_TIKTOK = RuleConfig("tiktok", "hide")


def organised_config() -> Config:
    return replace(sample_config(), views=VIEWS, rules=(HIDE_TIKTOK,))


def test_views_in_the_sidebar(snap_compare, make_app: AppFactory, store: Store) -> None:
    reconcile(store, (HIDE_TIKTOK,), now=FIXED_NOW)

    async def run_before(pilot) -> None:
        await settle(pilot)

    app = make_app(organised_config())
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


async def test_view_counts_and_choosing_a_view(make_app: AppFactory, store: Store) -> None:
    reconcile(store, (HIDE_TIKTOK,), now=FIXED_NOW)
    app = make_app(organised_config())
    async with started(app) as pilot:
        main = main_screen(app)
        assert main.totals is not None
        expected = {
            view.name: store.count(parse_search(view.query, now=FIXED_NOW)) for view in VIEWS
        }
        assert dict(main.totals.views) == expected and expected["Sécurité"] > 0
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        await wait_until(pilot, lambda: sidebar.has_focus)
        ids = [option.id for option in sidebar.options]
        sidebar.highlighted = ids.index("saved:Sécurité")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(HeadlineList).total == expected["Sécurité"]
        assert "view: Sécurité" in text_of(app.screen.query_one("#filter-bar", Static))
        assert main.filter.saved == "Sécurité"
        await pilot.press("shift+tab")  # the sidebar again: All clears the view
        sidebar.highlighted = ids.index("view:all")
        await pilot.press("enter")
        await settle(pilot)
        assert main.filter.saved == ""


async def test_hidden_items_leave_lists_and_counts_until_toggled(
    make_app: AppFactory, store: Store
) -> None:
    reconcile(store, (HIDE_TIKTOK,), now=FIXED_NOW)
    hidden = store.count(ArticleQuery(hidden="only"))
    assert hidden >= 1
    app = make_app(organised_config())
    async with started(app) as pilot:
        headlines = app.screen.query_one(HeadlineList)
        main = main_screen(app)
        assert headlines.total == 45 - hidden
        assert main.totals is not None and main.totals.total == 45 - hidden
        await pilot.press("H")
        await settle(pilot)
        assert headlines.total == 45
        assert "hidden items shown" in text_of(app.screen.query_one("#filter-bar", Static))
        await pilot.press("H")
        await settle(pilot)
        assert headlines.total == 45 - hidden


def write_config(tmp_path: Path, feed_url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        "# my config\n[settings]\nrefresh_interval = 0\nkeep_days = 0\n"
        'full_articles = "never"\n\n[[feeds]]\nname = "Local"\n'
        f'url = "{feed_url}"\ntags = ["local"]\n\n# end notes\n',
        encoding="utf-8",
    )
    return path


def local_reader(
    make_app: AppFactory, tmp_path: Path, httpserver: HTTPServer, more_toml: str = ""
) -> tuple[Path, Store, ReaderApp]:
    """A config file with one feed served on 127.0.0.1 (plus `more_toml`), its own store, and
    the app over both."""
    httpserver.expect_request("/local.xml").respond_with_data(
        rss("Local", numbered_items(2, "Local")), content_type="application/rss+xml"
    )
    path = write_config(tmp_path, httpserver.url_for("/local.xml"))
    with path.open("a", encoding="utf-8") as config_file:
        config_file.write(more_toml)
    config = load_config(path)
    store = Store.open(tmp_path / "db.sqlite3")
    store.sync_feeds(config.feeds)
    return path, store, make_app(config, store, make_fetcher=MixedFetcher)


def notification_titles(app: ReaderApp) -> list[str]:
    """The title of every notification the app shows from now on."""
    titles: list[str] = []
    notify = app.notify

    def record(message: str, **kwargs):  # type: ignore[no-untyped-def]
        titles.append(kwargs.get("title", ""))
        return notify(message, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    return titles


async def test_a_discovers_and_subscribes(
    make_app: AppFactory, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/site/").respond_with_data(
        '<html><head><link rel="alternate" type="application/atom+xml" href="news.xml">'
        "</head><body>Site</body></html>",
        content_type="text/html",
    )
    httpserver.expect_request("/site/news.xml").respond_with_data(
        rss("Site News [b]x[/b]", numbered_items(3, "News")), content_type="application/rss+xml"
    )
    path, store, app = local_reader(make_app, tmp_path, httpserver)
    async with started(app) as pilot:
        dialog = await press_for_screen(pilot, "a", AddFeedScreen)
        dialog.query_one("#add-url", Input).value = httpserver.url_for("/site/")
        dialog.query_one("#add-tags", Input).value = "news, site"
        dialog.query_one("#add-url", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        result = text_of(dialog.query_one("#organise-result", Static))
        assert "Found Site News [b]x[/b]" in result and "3 items" in result
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, AddFeedScreen)
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# my config\n") and "# end notes" in text
        assert 'name = "Site News [b]x[/b]"' in text and 'tags = ["news", "site"]' in text
        assert [feed.name for feed in app.config.feeds] == ["Local", "Site News [b]x[/b]"]
        assert store.count(ArticleQuery(feed="Site News [b]x[/b]")) == 3
        assert main_screen(app).filter.feed == "Site News [b]x[/b]"
        assert app.screen.query_one(HeadlineList).total == 3
        # Again: already subscribed, nothing written.
        before = path.read_bytes()
        await press_for_screen(pilot, "a", AddFeedScreen)
        app.screen.query_one("#add-url", Input).value = httpserver.url_for("/site/news.xml")
        app.screen.query_one("#add-url", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "Already subscribed" in text_of(app.screen.query_one("#organise-result", Static))
        await pilot.press("escape")
        assert path.read_bytes() == before
    store.close()


async def test_a_reports_a_page_without_feed(
    make_app: AppFactory, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/plain").respond_with_data(
        "<html><body>nothing</body></html>", content_type="text/html"
    )
    path = write_config(tmp_path, httpserver.url_for("/local.xml"))
    before = path.read_bytes()
    app = make_app(load_config(path), make_fetcher=MixedFetcher)
    async with started(app) as pilot:
        await press_for_screen(pilot, "a", AddFeedScreen)
        app.screen.query_one("#add-url", Input).value = httpserver.url_for("/plain")
        app.screen.query_one("#add-url", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        result = app.screen.query_one("#organise-result", Static)
        assert "no feed found" in text_of(result) and result.has_class("-error")
    assert path.read_bytes() == before


async def test_save_search_as_view_and_remove_feed(
    make_app: AppFactory, tmp_path: Path, httpserver: HTTPServer
) -> None:
    path, store, app = local_reader(make_app, tmp_path, httpserver)
    async with started(app) as pilot:
        await pilot.press("R")
        await settle(pilot)
        assert store.count(ArticleQuery()) == 2
        main = main_screen(app)
        main.set_filter(replace(main.filter, tags=("local",), search="économie"))
        await settle(pilot)
        main.post_message(SaveSearchAsView())
        await wait_until(pilot, lambda: isinstance(app.screen, TextPromptScreen))
        app.screen.query_one(Input).value = "Éco locale"
        await pilot.press("enter")
        await settle(pilot)
        assert load_config(path).views == (ViewConfig("Éco locale", "+local économie"),)
        assert "# end notes" in path.read_text(encoding="utf-8")
        assert main.totals is not None and dict(main.totals.views) == {"Éco locale": 2}
        assert main.filter.saved == "Éco locale"
        # Remove the feed: a bookmarked article stays.
        first = store.headlines(ArticleQuery(), limit=1)[0]
        store.set_bookmarked(first.id, True)
        main.post_message(RemoveFeed("Local"))
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert load_config(path).feeds == ()
        assert app.config.feeds == ()
        assert [a.id for a in store.headlines(ArticleQuery(), limit=10)] == [first.id]
    store.close()


async def test_refresh_in_the_reader_feeds_hooks_and_notifies(
    make_app: AppFactory, tmp_path: Path, httpserver: HTTPServer
) -> None:
    import json
    import sys

    out_file = tmp_path / "hook.jsonl"
    script = f"import sys; open({str(out_file)!r}, 'a').write(sys.stdin.read())"
    _, store, app = local_reader(
        make_app,
        tmp_path,
        httpserver,
        f'\n[[hooks]]\nquery = "+local"\ncommand = {json.dumps([sys.executable, "-c", script])}'
        "\n"
        '\n[[views]]\nname = "Local news"\nquery = "=local"\nnotify = true\n',
    )
    titles = notification_titles(app)
    async with started(app) as pilot:
        await pilot.press("R")
        await settle(pilot)
        await settle(pilot)
        fed = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
        assert sorted(item["title"] for item in fed) == ["Local 0", "Local 1"]
        assert "Local news: 2 new items" in titles
        await pilot.press("R")  # nothing new: the hook is not run again
        await settle(pilot)
        await settle(pilot)
        assert len(out_file.read_text(encoding="utf-8").splitlines()) == 2
    store.close()


async def test_the_timer_refreshes_only_the_feeds_that_are_due(
    make_app: AppFactory, store: Store
) -> None:
    config = sample_config()
    due = replace(config.feeds[0], refresh_interval=5)
    config = replace(config, feeds=(due, *config.feeds[1:]))
    before = store.feed_states()
    assert all(state.last_refresh is None for state in before.values())
    app = make_app(config, make_fetcher=MixedFetcher, background_refresh=True)
    async with started(app) as pilot:
        await settle(pilot)
        refreshed = {s.name for s in store.feed_states().values() if s.last_refresh is not None}
        assert refreshed == {due.name}
