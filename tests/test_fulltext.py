"""Full articles: settings, page fetching and extraction, storage, and the CLI, on 127.0.0.1."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Collection, Mapping
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.feeds import rss
from tui_reader.cli import main
from tui_reader.demo.fetcher import DemoFetcher
from tui_reader.fetch import Fetcher
from tui_reader.fulltext import (
    decode_page,
    effective_setting,
    feed_is_all_short,
    fetch_full_text,
    fill_full_texts,
    wants_full_text,
)
from tui_reader.models import ArticleQuery, Config, FeedConfig, ParsedEntry, Settings
from tui_reader.store import Store

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

PARAGRAPHS = [
    "Face à son interdiction aux États-Unis, TikTok prépare une riposte juridique qui pourrait "
    "durer des mois, selon plusieurs sources proches du dossier interrogées cette semaine.",
    "La plateforme affirme que la loi viole la liberté d'expression de ses cent soixante-dix "
    "millions d'utilisateurs américains et promet de défendre ses créateurs devant les juges.",
    "Les analystes estiment que la procédure pourrait remonter jusqu'à la Cour suprême, ce qui "
    "laisserait l'application disponible pendant toute la durée de l'examen du recours.",
    "En Europe, les régulateurs observent la situation de près et rappellent que le règlement "
    "sur les services numériques impose déjà des obligations strictes aux grandes plateformes.",
    "Les créateurs de contenu, eux, cherchent des solutions de repli et diversifient leur "
    "présence sur d'autres réseaux pour ne pas perdre leur audience du jour au lendemain.",
]


def article_page(marker: str, extra: str = "", head: str = "") -> str:
    """A realistic article page whose main text mentions `marker`."""
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return (
        f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>{head}"
        f"<title>{marker}</title></head><body>"
        "<nav><a href='/'>Accueil</a> <a href='/tech'>Tech</a></nav>"
        f"<article><h1>{marker}</h1><p>Le mot repère est {marker}.</p>{body}{extra}</article>"
        "<footer>© Journal exemple — mentions légales</footer></body></html>"
    )


LONG_BODY = "<p>" + " ".join(PARAGRAPHS * 2) + "</p>"


def write_config(
    env: Path,
    feeds: list[tuple[str, str, str | None]],
    full_articles: str = "auto",
    **extra: object,
) -> None:
    """feeds: (name, url, per-feed full_articles or None)."""
    lines = [
        "[settings]",
        "timeout = 1",
        "refresh_interval = 0",
        f"full_articles = {json.dumps(full_articles)}",
    ]
    lines += [f"{key} = {json.dumps(value)}" for key, value in extra.items()]
    for name, url, override in feeds:
        lines += ["", "[[feeds]]", f"name = {json.dumps(name)}", f"url = {json.dumps(url)}"]
        if override is not None:
            lines.append(f"full_articles = {json.dumps(override)}")
    (env / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def items(server: HTTPServer, prefix: str, count: int, description: str) -> list[dict[str, str]]:
    """Items linking to /prefix/N on the server, newest first."""
    return [
        {
            "title": f"{prefix} {n}",
            "link": server.url_for(f"/{prefix}/{n}"),
            "guid": f"{prefix}-{n}",
            "pubDate": f"20 Nov 2026 {20 - n:02d}:00:00 +0000",
            "description": description,
        }
        for n in range(count)
    ]


def serve_items(server: HTTPServer, prefix: str, feed_items: list[dict[str, str]]) -> str:
    """Serve `feed_items` as the feed /prefix.xml; return its URL."""
    server.expect_request(f"/{prefix}.xml").respond_with_data(
        rss(prefix, feed_items), content_type="application/rss+xml"
    )
    return server.url_for(f"/{prefix}.xml")


def serve_pages(
    server: HTTPServer, prefix: str, numbers: range, skip: Collection[int] = ()
) -> None:
    """Serve an article page at /prefix/N for each N not in `skip`."""
    for n in numbers:
        if n in skip:
            continue
        server.expect_request(f"/{prefix}/{n}").respond_with_data(
            article_page(f"{prefix}-page-{n}"), content_type="text/html; charset=utf-8"
        )


def serve_feed(
    server: HTTPServer,
    prefix: str,
    count: int,
    description: str,
    pages: bool = True,
    failing: Mapping[int, int] | None = None,
) -> str:
    """Serve a feed and (unless `pages` is False) one article page per item, except that
    item N's page answers the HTTP status `failing[N]`; return the feed URL."""
    url = serve_items(server, prefix, items(server, prefix, count, description))
    failing = failing or {}
    for n, status in failing.items():
        server.expect_request(f"/{prefix}/{n}").respond_with_data("error", status=status)
    if pages:
        serve_pages(server, prefix, range(count), skip=failing)
    return url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def stored(env: Path) -> dict[str, tuple[str | None, str | None]]:
    """title → (full_text, full_text_error) for every stored article."""
    with Store.open(env / "data" / "tui-reader.db") as store:
        out = {}
        for headline in store.headlines(ArticleQuery(), limit=1000):
            article = store.get_article(headline.id)
            assert article is not None
            out[article.title] = (article.full_text, article.full_text_error)
        return out


def article_id(capsys: pytest.CaptureFixture[str], title: str) -> int:
    code, out, _ = run(capsys, "headlines", "--json", "--limit", "1000")
    assert code == 0
    return next(item["id"] for item in json.loads(out) if item["title"] == title)


SHORT = "<p>Un court résumé de l'article… Lire la suite</p>"


# --- settings ------------------------------------------------------------------------------


def test_wants_full_text() -> None:
    assert wants_full_text("never", SHORT, "") is False
    assert wants_full_text("always", LONG_BODY, LONG_BODY) is True
    assert wants_full_text("auto", SHORT, "") is True
    assert wants_full_text("auto", "", LONG_BODY) is False
    assert wants_full_text("auto", "", LONG_BODY, feed_all_short=True) is True
    assert wants_full_text("never", SHORT, "", feed_all_short=True) is False


def test_effective_setting_per_feed_override() -> None:
    config = Config(
        settings=Settings(full_articles="never"),
        feeds=(
            FeedConfig("A", "https://a.example/feed", full_articles="always"),
            FeedConfig("B", "https://b.example/feed"),
        ),
    )
    assert effective_setting(config, "https://a.example/feed") == "always"
    assert effective_setting(config, "https://b.example/feed") == "never"
    assert effective_setting(config, "https://unknown.example/") == "never"


def test_feed_all_short_rule() -> None:
    long_item = ("", LONG_BODY)
    short_item = (SHORT, "")
    assert not feed_is_all_short([short_item, short_item])  # too few to judge
    assert feed_is_all_short([short_item] * 4 + [long_item])  # 80 %
    assert not feed_is_all_short([short_item] * 3 + [long_item] * 2)


# --- decoding ------------------------------------------------------------------------------


def test_decode_page_charsets() -> None:
    text = "Déjà l’été € œ"
    html = f"<html><head><meta charset='windows-1252'></head><body>{text}</body></html>"
    assert text in decode_page(html.encode("cp1252"), "text/html")
    # The header wins over the page.
    assert text in decode_page(html.encode("cp1252"), "text/html; charset=ISO-8859-1")
    assert text in decode_page(text.encode("utf-8"), "text/html; charset=utf-8")
    meta = f"<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-15'>{text}"
    assert "Déjà" in decode_page(meta.encode("iso-8859-15", "replace"), "text/html")
    # Undeclared: UTF-8, with stray Windows-1252 bytes read as such.
    assert decode_page("é".encode() + "’".encode("cp1252"), "text/html") == "é’"
    assert decode_page(b"\xef\xbb\xbfok", "text/html; charset=latin-1") == "ok"


# --- fetch_full_text -----------------------------------------------------------------------


FEED = FeedConfig("F", "https://feed.example/rss")


def store_with(tmp_path: Path, links: list[str]) -> Store:
    """A store holding one summary-only article per link, the first one newest."""
    store = Store.open(tmp_path / "db.sqlite")
    store.sync_feeds([FEED])
    store.upsert_entries(
        FEED.url,
        [
            ParsedEntry(f"g{n}", f"T{n}", link, "", f"2026-11-20T{20 - n:02d}:00:00+00:00", "S", "")
            for n, link in enumerate(links)
        ],
        now="2026-11-20T21:00:00+00:00",
    )
    return store


def ids_by_title(store: Store) -> dict[str, int]:
    return {a.title: a.id for a in store.headlines(ArticleQuery(), limit=1000)}


async def test_fetch_full_text_stores_clean_markdown(server: HTTPServer, tmp_path: Path) -> None:
    hostile = (
        "<p>[bold red]Pwned[/] [@click=app.quit]quit[/] \x1b[31mrouge\x1b[0m \x1b]52;c;ZXZpbA==\x07"
        " fin\x00 de \x9b2J ligne &#27;[2J.</p>"
        "<p>Un <a href='javascript:alert(1)'>lien piégé</a>, un "
        "<a href='/suite?utm_source=rss&amp;id=3'>lien propre</a> et "
        "<a href='data:text/html;base64,PHNjcmlwdD4='>des données</a>.</p>"
    )
    server.expect_request("/hostile").respond_with_data(
        article_page("hostile-page", extra=hostile), content_type="text/html"
    )
    store = store_with(tmp_path, [server.url_for("/hostile")])
    (article_id,) = ids_by_title(store).values()
    async with Fetcher(timeout=2) as fetcher:
        result = await fetch_full_text(fetcher, store, article_id)
    assert result.ok and result.error is None and result.text
    article = store.get_article(article_id)
    assert article is not None and article.full_text == result.text
    text = article.full_text
    assert "hostile-page" in text and "TikTok" in text
    literal = text.replace("\\", "")  # Markdown escapes the brackets; they stay data
    assert "[bold red]Pwned[/]" in literal and "[@click=app.quit]quit[/]" in literal
    assert not CONTROL.search(text)
    assert "javascript:" not in text and "data:" not in text
    assert "lien piégé" in text and "des données" in text
    assert f"[lien propre]({server.url_for('/suite')}?id=3)" in text
    assert "utm_" not in text
    assert article.summary == "S"
    store.close()


@pytest.mark.parametrize(
    ("respond", "expected"),
    [
        (lambda s: s.respond_with_data("gone", status=404), "HTTP 404 Not Found"),
        (
            lambda s: s.respond_with_data(b"%PDF-1.7 ...", content_type="application/pdf"),
            "not an HTML page (application/pdf)",
        ),
        (
            lambda s: s.respond_with_data("<html><body></body></html>", content_type="text/html"),
            "nothing to extract from the page",
        ),
        (
            lambda s: s.respond_with_handler(
                lambda request: (time.sleep(1.6), Response("late"))[1]
            ),
            "timed out after 1 s",
        ),
    ],
    ids=["404", "pdf", "empty", "timeout"],
)
async def test_fetch_full_text_failures_keep_the_summary(
    server: HTTPServer, tmp_path: Path, respond, expected: str
) -> None:
    respond(server.expect_request("/page"))
    store = store_with(tmp_path, [server.url_for("/page")])
    (article_id,) = ids_by_title(store).values()
    async with Fetcher(timeout=1) as fetcher:
        result = await fetch_full_text(fetcher, store, article_id)
    assert not result.ok and result.error == expected and result.text is None
    article = store.get_article(article_id)
    assert article is not None
    assert article.full_text is None and article.full_text_error == expected
    assert article.summary == "S"
    assert store.full_text_candidates(10) == []  # not retried automatically
    store.close()


async def test_refetch_failure_keeps_an_earlier_full_text(
    server: HTTPServer, tmp_path: Path
) -> None:
    server.expect_request("/page").respond_with_data("gone", status=410)
    store = store_with(tmp_path, [server.url_for("/page")])
    (article_id,) = ids_by_title(store).values()
    store.set_full_text(article_id, "Texte complet", None)
    async with Fetcher(timeout=1) as fetcher:
        result = await fetch_full_text(fetcher, store, article_id)
    assert not result.ok and result.error == "HTTP 410 Gone"
    article = store.get_article(article_id)
    assert article is not None and article.full_text == "Texte complet"


async def test_fetch_full_text_never_raises(tmp_path: Path) -> None:
    store = store_with(tmp_path, ["https://example.org/article"])
    (article_id,) = ids_by_title(store).values()
    async with DemoFetcher() as demo:
        result = await fetch_full_text(demo, store, article_id)
    assert not result.ok and result.error is not None and "demo works offline" in result.error

    class Broken:
        async def fetch(self, url: str, **kwargs: object) -> None:
            raise RuntimeError("boom\nsecond line")

    store.set_full_text(article_id, None, None)
    result = await fetch_full_text(Broken(), store, article_id)  # type: ignore[arg-type]
    assert not result.ok and result.error == "unexpected error: RuntimeError: boom second line"
    missing = await fetch_full_text(Broken(), store, 999)  # type: ignore[arg-type]
    assert not missing.ok and missing.error == "no article with id 999"
    store.close()


async def test_fill_full_texts_newest_first_limited_and_concurrent(
    server: HTTPServer, tmp_path: Path
) -> None:
    active = 0
    peak = 0
    lock = threading.Lock()
    two_at_once = threading.Event()

    def handler(request: Request) -> Response:
        # The first request waits (up to 5 s) for a second one to arrive: fetched one after
        # another, the peak stays 1 and the test fails.
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
            if active >= 2:
                two_at_once.set()
        two_at_once.wait(timeout=5)
        with lock:
            active -= 1
        return Response(article_page(request.path), content_type="text/html")

    server.expect_request(re.compile(r"/p/\d+")).respond_with_handler(handler)
    store = store_with(tmp_path, [server.url_for(f"/p/{n}") for n in range(8)])
    config = Config(feeds=(FEED,))
    seen: list[int] = []
    async with Fetcher(timeout=10) as fetcher:
        results = await fill_full_texts(
            config,
            store,
            fetcher,
            limit=5,
            concurrency=2,
            on_result=lambda result: seen.append(result.article_id),
        )
    assert len(results) == 5 and all(result.ok for result in results)
    assert sorted(seen) == sorted(result.article_id for result in results)
    assert peak == 2  # concurrent, and never more than `concurrency`
    by_title = ids_by_title(store)
    assert {result.article_id for result in results} == {by_title[f"T{n}"] for n in range(5)}
    store.close()


# --- through the CLI -----------------------------------------------------------------------


def test_summary_only_feed_gets_full_text_after_refresh(
    server: HTTPServer, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(env, [("Résumés", serve_feed(server, "teaser", 3, SHORT), None)])
    code, out, _ = run(capsys, "refresh")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "ok     Résumés: 3 new"
    assert lines[-1] == "full articles: 3 fetched, 0 failed"
    texts = stored(env)
    for n in range(3):
        full_text, error = texts[f"teaser {n}"]
        assert error is None and full_text is not None and f"teaser-page-{n}" in full_text
        assert "Accueil" not in full_text and "mentions légales" not in full_text
    code, out, _ = run(capsys, "show", str(article_id(capsys, "teaser 0")))
    assert code == 0 and "teaser-page-0" in out and "Lire la suite" not in out
    assert re.search(r"· \d+ min read", out)
    # Fetched once: another refresh asks for no page again.
    pages = len([entry for entry in server.log if "/teaser/" in entry[0].path])
    run(capsys, "refresh", "--json")
    assert len([entry for entry in server.log if "/teaser/" in entry[0].path]) == pages


def test_refresh_json_stays_json_and_feeds_with_full_text_are_left_alone(
    server: HTTPServer, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(
        env,
        [
            ("Courts", serve_feed(server, "short", 2, SHORT), None),
            ("Complets", serve_feed(server, "long", 2, LONG_BODY), None),
        ],
    )
    code, out, _ = run(capsys, "refresh", "--json")
    assert code == 0 and json.loads(out)["new_items"] == 4
    texts = stored(env)
    assert all(texts[f"short {n}"][0] for n in range(2))
    assert all(texts[f"long {n}"] == (None, None) for n in range(2))
    assert not any("/long/" in entry[0].path for entry in server.log)


def test_a_feed_whose_items_are_all_short_gets_every_page(
    server: HTTPServer, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Four teasers and one item long enough to pass for an article: the feed rule wins."""
    feed_items = items(server, "mixed", 5, SHORT)
    feed_items[4]["description"] = LONG_BODY
    url = serve_items(server, "mixed", feed_items)
    serve_pages(server, "mixed", range(5))
    write_config(env, [("Mixte", url, None)])
    run(capsys, "refresh")
    assert all(full_text for full_text, _ in stored(env).values())


@pytest.mark.parametrize(
    ("global_setting", "overrides", "fetched"),
    [
        ("always", (None, None), {"short", "long"}),
        ("never", (None, None), set()),
        ("never", ("always", None), {"short"}),
        ("always", (None, "never"), {"short"}),
        ("auto", ("never", "always"), {"long"}),
    ],
)
def test_global_and_per_feed_settings(
    server: HTTPServer,
    env: Path,
    capsys: pytest.CaptureFixture[str],
    global_setting: str,
    overrides: tuple[str | None, str | None],
    fetched: set[str],
) -> None:
    write_config(
        env,
        [
            ("Courts", serve_feed(server, "short", 2, SHORT), overrides[0]),
            ("Complets", serve_feed(server, "long", 2, LONG_BODY), overrides[1]),
        ],
        full_articles=global_setting,
    )
    assert run(capsys, "refresh")[0] == 0
    texts = stored(env)
    for prefix in ("short", "long"):
        for n in range(2):
            full_text, error = texts[f"{prefix} {n}"]
            assert error is None
            assert (full_text is not None) == (prefix in fetched), (prefix, n)
    requested = {
        entry[0].path.split("/")[1] for entry in server.log if entry[0].path.count("/") == 2
    }
    assert requested == fetched


def test_failures_are_stored_and_shown(
    server: HTTPServer, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve_feed(server, "bad", 3, SHORT, pages=False)
    server.expect_request("/bad/0").respond_with_data("gone", status=404)
    server.expect_request("/bad/1").respond_with_data(b"%PDF-1.4", content_type="application/pdf")
    server.expect_request("/bad/2").respond_with_handler(
        lambda request: (time.sleep(1.6), Response("late", content_type="text/html"))[1]
    )
    write_config(env, [("Cassé", url, None)])
    code, out, _ = run(capsys, "refresh")
    assert code == 0 and out.splitlines()[-1] == "full articles: 0 fetched, 3 failed"
    texts = stored(env)
    assert texts["bad 0"] == (None, "HTTP 404 Not Found")
    assert texts["bad 1"] == (None, "not an HTML page (application/pdf)")
    assert texts["bad 2"] == (None, "timed out after 1 s")
    code, out, err = run(capsys, "show", str(article_id(capsys, "bad 1")))
    assert code == 0 and err == ""
    assert "Un court résumé" in out
    assert "full article unavailable: not an HTML page (application/pdf)" in out


def test_tracking_parameters_removed_from_stored_links(
    server: HTTPServer, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = server.url_for("/tracked") + "?utm_source=rss&utm_medium=feed&id=3&fbclid=abc#xtor=RSS-1"
    server.expect_request("/feed.xml").respond_with_data(
        rss("T", [{"title": "Suivi", "link": link, "guid": "t1", "description": SHORT}]),
        content_type="application/rss+xml",
    )
    server.expect_request("/tracked", query_string="id=3").respond_with_data(
        article_page("tracked-page"), content_type="text/html"
    )
    write_config(env, [("Suivi", server.url_for("/feed.xml"), None)])
    run(capsys, "refresh")
    (item,) = json.loads(run(capsys, "headlines", "--json")[1])
    assert item["link"] == server.url_for("/tracked") + "?id=3"
    # The page was fetched at the clean address.
    assert [entry[0].query_string for entry in server.log if entry[0].path == "/tracked"] == [
        b"id=3"
    ]
    code, out, _ = run(capsys, "show", str(item["id"]))
    assert code == 0 and "tracked-page" in out and "utm_" not in out and "fbclid" not in out


def test_show_full_fetches_once_and_reports_fallbacks(
    server: HTTPServer, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve_feed(server, "later", 2, SHORT, failing={1: 500})
    write_config(env, [("Plus tard", url, None)], full_articles="never")
    run(capsys, "refresh")
    assert stored(env)["later 0"] == (None, None)
    good, bad = article_id(capsys, "later 0"), article_id(capsys, "later 1")

    code, out, err = run(capsys, "show", str(good), "--full")
    assert code == 0 and err == "" and "later-page-0" in out and "Lire la suite" not in out
    code, out, err = run(capsys, "show", str(good), "--full")
    assert code == 0 and "later-page-0" in out
    assert len([entry for entry in server.log if entry[0].path == "/later/0"]) == 1

    code, out, err = run(capsys, "show", str(bad), "--full")
    assert code == 0
    assert err == (
        "tui-reader: showing the feed's text: full article unavailable "
        "(HTTP 500 Internal Server Error)\n"
    )
    assert "Un court résumé" in out
    # A failed attempt is tried again by the next --full.
    run(capsys, "show", str(bad), "--full")
    assert len([entry for entry in server.log if entry[0].path == "/later/1"]) == 2


def test_show_full_in_the_demo_works_offline(tmp_path: Path, capsys) -> None:
    data = tmp_path / "demo-data"
    _, out, _ = run(capsys, "--demo", "--data-dir", str(data), "headlines", "--json")
    first = json.loads(out)[0]
    code, out, err = run(
        capsys, "--demo", "--data-dir", str(data), "show", str(first["id"]), "--full"
    )
    assert code == 0 and "the demo works offline" in err and first["title"][:20] in out
