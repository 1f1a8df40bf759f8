"""The main screen's other actions: an article's state (bookmark, read, mark all read, undo),
what the list shows (bookmarks, tags, search, hidden items) and the work handed to the App's
services (add a feed, full text, links, refresh). The screen's `action_*` methods are these
functions; `ui/navigation.py` has the moving ones."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tui_reader.actions import key_map
from tui_reader.i18n import _
from tui_reader.ui.filter import Filter
from tui_reader.ui.reading import current_article, fresh, patch, shown

if TYPE_CHECKING:
    from tui_reader.ui.screens.main import MainScreen

# --- an article's state --------------------------------------------------------------------


def bookmark(screen: MainScreen) -> None:
    article = current_article(screen)
    if article is None:
        return
    bookmarked = not fresh(screen, article).bookmarked
    # Written before the key returns: a bookmark must survive a crash a moment later.
    if screen.app.state.write(screen.app.store.set_bookmarked, article.id, bookmarked):
        patch(screen, article, bookmarked=bookmarked)
        message = _("Bookmarked") if bookmarked else _("Bookmark removed")
        screen.notify(message, markup=False, timeout=2)
        screen.load_totals()


def toggle_read(screen: MainScreen) -> None:
    article = current_article(screen)
    if article is None:
        return
    read = not fresh(screen, article).read
    if screen.app.state.write(screen.app.store.set_read, [article.id], read):
        patch(screen, article, read=read)
        screen.load_totals()


def mark_all_read(screen: MainScreen) -> None:
    screen.app.state.mark_all_read(screen.query_now)


def undo(screen: MainScreen) -> None:
    if screen.app.state.undo():
        screen.reload(keep=screen.headlines.current)


# --- what the list shows -------------------------------------------------------------------


def show_bookmarks(screen: MainScreen) -> None:
    screen.set_filter(Filter(view="bookmarks"))


def tag_filter(screen: MainScreen) -> None:
    tags = sorted(screen.totals.tags) if screen.totals else []
    if not tags:
        screen.notify(_("No tags: add `tags = [...]` to feeds in the config."), markup=False)
        return
    base = replace(screen.filter, tags=())

    def count_tags(selected: tuple[str, ...]) -> dict[str, int]:
        return screen.app.store.tag_counts(replace(base, tags=selected).query(screen.app.now()))

    def apply(selected: tuple[str, ...]) -> None:
        screen.set_filter(replace(screen.filter, tags=selected))

    from tui_reader.ui.screens.tags import TagPicker  # the dialogs: not needed at launch

    screen.app.push_screen(TagPicker(tags, screen.filter.tags, count_tags, apply))


def clear_tags(screen: MainScreen) -> None:
    screen.set_filter(replace(screen.filter, tags=()))


def search(screen: MainScreen) -> None:
    def apply(text: str | None) -> None:
        if text is not None:
            screen.set_filter(replace(screen.filter, search=text))

    from tui_reader.ui.screens.search import SearchScreen

    screen.app.push_screen(SearchScreen(screen.filter.search), apply)


def toggle_hidden(screen: MainScreen) -> None:
    shown = not screen.filter.show_hidden
    screen.set_filter(replace(screen.filter, show_hidden=shown))
    message = (
        _("Items hidden by rules are shown") if shown else _("Items hidden by rules are hidden")
    )
    screen.notify(message, markup=False, timeout=2)


def help(screen: MainScreen) -> None:
    from tui_reader.ui.screens.help import HelpScreen

    screen.app.push_screen(HelpScreen(key_map(screen.app.config.keys)))


# --- work handed to the App's services -----------------------------------------------------


def add_feed(screen: MainScreen) -> None:
    screen.app.subscriptions.add_feed()


def fetch_full(screen: MainScreen) -> None:
    article = current_article(screen)
    if article is None:
        return
    if not article.link:
        screen.notify(_("This article has no link to fetch."), markup=False, severity="warning")
        return
    if (open_copy := shown(screen, article.id)) is not None:
        screen.reader.update_note(open_copy, _("fetching the full article…"))
    screen.set_status(_("Fetching the full article: {title}").format(title=article.title))
    screen.app.full_texts.fetch(article.id)


def open_link(screen: MainScreen) -> None:
    article = current_article(screen)
    if article is not None and article.link:
        screen.app.links.open(article.link)


def copy_link(screen: MainScreen) -> None:
    screen.app.links.copy_link(getattr(current_article(screen), "link", ""))


def link_list(screen: MainScreen) -> None:
    """`L`: the article's links, numbered, its own link first."""
    if (article := current_article(screen)) is not None:
        screen.app.links.list_links(article.id)


def refresh_feed(screen: MainScreen) -> None:
    name = screen.filter.feed
    if name is None and (article := current_article(screen)) is not None:
        name = article.feed
    feeds = [feed for feed in screen.app.config.feeds if feed.name == name]
    account = account_of_feed(screen, name)
    if not feeds and account is not None:
        screen.app.refresher.sync_one(account)  # an account's feed: its server has it
    elif not feeds:
        screen.notify(_("No feed selected."), markup=False, timeout=3)
    else:
        screen.app.refresher.refresh(feeds, sync=False)


def account_of_feed(screen: MainScreen, name: str | None) -> str | None:
    """The sync account a feed (by name) comes from, per the sidebar's counts."""
    if name is None or screen.totals is None:
        return None
    return next((f.account for f in screen.totals.feeds if f.name == name and f.account), None)


def refresh_all(screen: MainScreen) -> None:
    screen.app.refresher.refresh(list(screen.app.config.feeds), sync=True)
