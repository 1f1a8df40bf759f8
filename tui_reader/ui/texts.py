"""Texts the reader builds from results: an article's header note, a refresh's summary line."""

from __future__ import annotations

from tui_reader.i18n import _, ngettext
from tui_reader.models import Article, FeedResult


def article_text(article: Article) -> tuple[str, str]:
    """The Markdown to show and the header note: which text it is and how long it reads."""
    from tui_reader.extract import reading_time_minutes  # lxml: not needed before first open

    if article.full_text:
        text, source = article.full_text, _("full article")
    elif article.body:
        text, source = article.body, ""
    else:
        text = article.summary or _("*(no text)*")
        source = _("summary only: press f for the full article")
        if article.full_text_error:
            source = _("summary only (full article failed: {error})").format(
                error=article.full_text_error
            )
    minutes = reading_time_minutes(text)
    reading = ngettext("{n} min read", "{n} min read", minutes).format(n=minutes)
    return text, " · ".join(part for part in (reading, source) if part)


def refresh_message(results: tuple[FeedResult, ...] | list[FeedResult]) -> str:
    """One line summing up a refresh, naming the failed feeds."""
    new_items = sum(r.new_items for r in results)
    failed = [r for r in results if r.status == "error"]
    line = ngettext(
        "Refreshed {n} feed: {new} new", "Refreshed {n} feeds: {new} new", len(results)
    ).format(n=len(results), new=new_items)
    if failed:
        names = ", ".join(f"{r.name} ({r.error})" for r in failed[:3])
        if len(failed) > 3:
            more = len(failed) - 3
            names += ngettext(" and {n} more", " and {n} more", more).format(n=more)
        line += _(", {n} failed: {names}").format(n=len(failed), names=names)
    return line
