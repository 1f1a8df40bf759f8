"""Full text that does not repeat itself: back-off, one fetch per page, budget, DNS (issue 11)."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.test_fulltext import (
    FEED,
    SHORT,
    article_page,
    ids_by_title,
    run,
    serve_feed,
    store_with,
    stored,
    write_config,
)
from tui_reader import resolve
from tui_reader import store as store_module
from tui_reader.fetch import Fetcher
from tui_reader.fulltext import fill_full_texts_report
from tui_reader.models import ArticleQuery, Config
from tui_reader.store import FULL_TEXT_BACKOFF, Store


def requests_to(server: HTTPServer, prefix: str) -> int:
    return len([entry for entry in server.log if entry[0].path.startswith(prefix)])


# --- store: back-off -----------------------------------------------------------------------


def test_a_failed_page_comes_back_after_1_6_24_hours_then_never(tmp_path: Path) -> None:
    store = store_with(tmp_path, ["https://a.example/1"])
    (article_id,) = ids_by_title(store).values()
    start = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    assert [row[0] for row in store.full_text_candidates(10, now=start)] == [article_id]
    moment = start
    for wait in FULL_TEXT_BACKOFF:
        store.record_full_text_failure([article_id], "HTTP 503 Service Unavailable", now=moment)
        article = store.get_article(article_id)
        assert article is not None and article.full_text_error == "HTTP 503 Service Unavailable"
        just_before = moment + wait - timedelta(minutes=1)
        assert store.full_text_candidates(10, now=just_before) == []
        moment = moment + wait
        assert [row[0] for row in store.full_text_candidates(10, now=moment)] == [article_id]
    store.record_full_text_failure([article_id], "HTTP 503 Service Unavailable", now=moment)
    assert store.full_text_candidates(10, now=moment + timedelta(days=365)) == []
    # A full text stored meanwhile (say by `show --full`) is never overwritten by a failure.
    store.set_full_text(article_id, "Le texte", None)
    store.record_full_text_failure([article_id], "later failure", now=moment)
    article = store.get_article(article_id)
    assert article is not None and article.full_text == "Le texte"
    store.close()


def test_a_v1_database_keeps_working_after_the_migration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database written by 0.1 (Markdown bodies, an old failure): displayed, searched with
    ligatures folded, and its failure counts as one try from its fetch time."""
    path = tmp_path / "old.sqlite"
    # The schema as 0.1 left it: version 1, written with 0.1's own SQL (today's Store code
    # expects today's tables, so it cannot write the old file).
    conn = sqlite3.connect(path)
    with conn:
        store_module._migrate_v1(conn)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO feeds (url, name) VALUES (?, ?)", (FEED.url, FEED.name))
        feed_id = conn.execute("SELECT id FROM feeds").fetchone()[0]
        conn.execute(
            "INSERT INTO articles (feed_id, guid, title, link, published, fetched, summary, "
            "body, full_text_error) VALUES (?, 'g', 'Titre', 'https://a.example/1', "
            "'2026-11-20T20:00:00+00:00', '2026-11-20T21:00:00+00:00', 'Résumé', "
            "'Une **œuvre** majeure, [lien](https://a.example/2).', 'HTTP 500')",
            (feed_id,),
        )
    conn.close()
    with Store.open(path) as store:
        (article_id,) = ids_by_title(store).values()
        article = store.get_article(article_id)
        assert article is not None
        assert article.body == "Une **œuvre** majeure, [lien](https://a.example/2)."
        assert article.summary == "Résumé"
        for words in ("oeuvre", "œuvre", "OEUVRE majeure", "resume"):
            found = store.headlines(ArticleQuery(text=words))
            assert [a.id for a in found] == [article_id], words
        fetched = datetime(2026, 11, 20, 21, 0, tzinfo=UTC)
        assert store.full_text_candidates(10, now=fetched + timedelta(minutes=30)) == []
        due = store.full_text_candidates(10, now=fetched + timedelta(hours=1))
        assert [row[0] for row in due] == [article_id]


# --- fill: one fetch per page, budget ------------------------------------------------------


async def test_articles_sharing_a_link_get_one_fetch(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request("/same").respond_with_data(
        article_page("page-partagee"), content_type="text/html"
    )
    store = store_with(tmp_path, [server.url_for("/same")] * 3)
    async with Fetcher(timeout=2) as fetcher:
        report = await fill_full_texts_report(Config(feeds=(FEED,)), store, fetcher)
    assert report.to_json() == {"fetched": 3, "failed": 0, "skipped": 0}
    assert requests_to(server, "/same") == 1
    for article_id in ids_by_title(store).values():
        article = store.get_article(article_id)
        assert article is not None and "page-partagee" in (article.full_text or "")
    store.close()


async def test_budget_stops_starting_pages_and_counts_the_rest_skipped(
    server: HTTPServer, tmp_path: Path
) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.4)
        return Response(article_page(request.path), content_type="text/html")

    server.expect_request(re.compile(r"/slow/\d+")).respond_with_handler(slow)
    store = store_with(tmp_path, [server.url_for(f"/slow/{n}") for n in range(9)])
    async with Fetcher(timeout=5) as fetcher:
        report = await fill_full_texts_report(
            Config(feeds=(FEED,)), store, fetcher, concurrency=3, budget=0.2
        )
    # The first three started within the budget and finished; the six others never started.
    assert report.to_json() == {"fetched": 3, "failed": 0, "skipped": 6}
    assert requests_to(server, "/slow/") == 3
    # Skipped pages were not marked as failed: the next run takes them.
    assert len(store.full_text_candidates(100)) == 6
    store.close()


# --- no DNS wait -------------------------------------------------------------------------


async def test_a_hanging_lookup_is_abandoned_after_its_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """getaddrinfo that never answers (an offline resolver): the bound decides, not DNS."""
    release = threading.Event()

    def hang(*args: Any, **kwargs: Any) -> Any:
        release.wait(30)
        raise socket.gaierror("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    try:
        reason = await asyncio.wait_for(resolve.problem("news.example", 443, timeout=0.2), 5)
    finally:
        release.set()
    assert reason == "could not resolve host news.example (no answer within 0.2 s)"
    assert await resolve.problem("127.0.0.1", 80, timeout=0.2) is None


async def test_an_unresolvable_site_costs_one_lookup_and_no_fetch(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo
    asked: list[str] = []

    def fake(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "down.example":
            asked.append(host)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    server.expect_request("/up").respond_with_data(
        article_page("en-ligne"), content_type="text/html"
    )
    links = [f"https://down.example/{n}" for n in range(4)] + [server.url_for("/up")]
    store = store_with(tmp_path, links)
    async with Fetcher(timeout=2) as fetcher:
        report = await fill_full_texts_report(Config(feeds=(FEED,)), store, fetcher, concurrency=5)
    counts = report.to_json()
    assert counts["fetched"] == 1
    assert counts["failed"] >= 1 and counts["failed"] + counts["skipped"] == 4
    assert asked == ["down.example"]
    failed = [result for result in report.results if not result.ok]
    assert all(result.error == "could not resolve host down.example" for result in failed)
    store.close()


# --- through the CLI -----------------------------------------------------------------------


def test_refresh_json_reports_full_text_and_does_not_retry_failures(
    server: HTTPServer, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve_feed(server, "mix", 3, SHORT, failing={1: 404, 2: 410})
    write_config(env, [("Mix", url, None)])
    code, out, _ = run(capsys, "refresh", "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["full_text"] == {"fetched": 1, "failed": 2, "skipped": 0}
    assert summary["new_items"] == 3
    pages = requests_to(server, "/mix/")
    assert pages == 3
    code, out, _ = run(capsys, "refresh", "--json")
    assert json.loads(out)["full_text"] == {"fetched": 0, "failed": 0, "skipped": 0}
    assert requests_to(server, "/mix/") == pages  # neither the good page nor the failures again
    assert stored(env)["mix 1"] == (None, "HTTP 404 Not Found")


def test_refresh_json_with_full_articles_never_reports_zeros(
    server: HTTPServer, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(env, [("Jamais", serve_feed(server, "jamais", 2, SHORT), None)], "never")
    code, out, _ = run(capsys, "refresh", "--json")
    assert code == 0
    assert json.loads(out)["full_text"] == {"fetched": 0, "failed": 0, "skipped": 0}
    assert requests_to(server, "/jamais/") == 0


def test_a_due_retry_is_fetched_even_when_no_feed_has_new_items(
    server: HTTPServer, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve_feed(server, "retry", 1, SHORT, failing={0: 503})
    write_config(env, [("Retry", url, None)])
    code, out, _ = run(capsys, "refresh", "--json")
    assert code == 0 and json.loads(out)["full_text"] == {"fetched": 0, "failed": 1, "skipped": 0}
    # The site is back; two hours later (the first back-off is one hour) a refresh that
    # brings nothing new still tries the page again, and only that page.
    server.clear()
    serve_feed(server, "retry", 1, SHORT)
    conn = sqlite3.connect(env / "data" / "tui-reader.db")
    with conn:
        conn.execute("UPDATE articles SET full_text_tried = '2020-01-01T00:00:00+00:00'")
    conn.close()
    code, out, _ = run(capsys, "refresh", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["new_items"] == 0
    assert summary["full_text"] == {"fetched": 1, "failed": 0, "skipped": 0}
    full_text, error = stored(env)["retry 0"]
    assert error is None and full_text is not None and "retry-page-0" in full_text
