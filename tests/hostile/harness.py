"""Run hostile cases through the real CLI and check what it stored, printed and reported.

A `Case` says how a feed is served and what must come of it. `run_family` serves every case
of a family at once (pytest-httpserver for ordinary responses, `RawServer` for byte-level
faults, each raw case on a loopback address of its own), runs `tui-reader refresh --json`
once through `tui_reader.cli.main`, and keeps what each case needs for its own checks.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tests.hostile.server import RawHandler, RawServer
from tui_reader.cli import main
from tui_reader.models import Article, ArticleQuery
from tui_reader.store import Store

TIMEOUT = 2.0  # seconds: the configured per-request timeout of every hostile refresh
# A refresh honours its per-request timeout when it ends within two timeouts plus the work:
# the hanging and dripping servers here would hold it for minutes to an hour. NOISE is room
# for parsing dozens of hostile documents and SQLite on a loaded 2-core machine (the XML
# family alone takes ~8 s there), not a speed target: speed lives in bench/.
NOISE = 20.0
MAX_ERROR = 300  # characters in one per-feed error line
FETCHED_YEAR_MAX = datetime.now(UTC).year + 1

# What clean_text promises never to leave: C0 but tab and newline, DEL, C1, bidi controls,
# lone surrogates. ESC is part of C0.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
MARKDOWN_TARGET = re.compile(r"\]\(([^)\s]*)\)")

# Searches full of SQL, LIKE, FTS5 and search-language metacharacters: none may fail.
NASTY_SEARCHES = [
    "%",
    "_",
    "%_%",
    "\\",
    "'",
    '"',
    '"unterminated',
    "'; DROP TABLE articles; --",
    "' OR 1=1 --",
    "100%",
    "a_b",
    "*",
    "NEAR(a b)",
    "a OR b AND NOT c",
    "title:x",
    "^start",
    "col:",
    "(",
    ")",
    "[bold]",
    "{x}",
    "-",
    "+",
    "=",
    "@",
    "@999999y",
    '+""',
    "=%",
    "is:",
    "\x00",
    "\x1b[31m",
    "l’été",
    "日本語",
    "🇫🇷",
    "a" * 5000,
]


@dataclass
class Case:
    """One hostile feed: how it is served and what refreshing it must give.

    Exactly one of `body` (served by pytest-httpserver) and `raw` (a `RawServer` handler)
    is set. `body` may be a function of the `Urls` when it must point at the servers.
    `check(articles, run)` asserts the case's own properties on what was stored.
    """

    name: str
    status: str = "ok"
    body: bytes | Callable[[Urls], bytes] | None = None
    content_type: str = "application/rss+xml; charset=utf-8"
    http_status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw: RawHandler | None = None
    items: int | None = None  # exact number of stored articles, when known
    error_has: tuple[str, ...] = ()  # fragments the error line must contain (lower case)
    check: Callable[[list[Article], FamilyRun], None] | None = None

    def __repr__(self) -> str:
        return f"Case({self.name})"


@dataclass
class Urls:
    """Where things are served, for bodies that must name a URL."""

    http: HTTPServer
    raw: RawServer

    def http_url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.http.port}{path}"

    def probe(self, name: str) -> str:
        """A URL that must never be requested (XXE, DTD, XInclude targets)."""
        return self.raw.url(f"/probe/{name}")


@dataclass
class CliRun:
    """One call of the CLI entry point."""

    code: int
    out: str
    err: str
    elapsed: float


def cli(config: Path, data_dir: Path, *args: str) -> CliRun:
    """Run `tui-reader --config … --data-dir … ARGS` in-process, capturing its output."""
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--config", str(config), "--data-dir", str(data_dir), *args])
    return CliRun(code, out.getvalue(), err.getvalue(), time.perf_counter() - started)


def write_config(path: Path, feeds: Sequence[tuple[str, str]], **settings: object) -> Path:
    """A config with these (name, url) feeds; hostile defaults: short timeout, no purge."""
    values: dict[str, object] = {
        "timeout": TIMEOUT,
        "refresh_interval": 0,
        "concurrency": 64,
        "keep_days": 0,
        # Full-article pages live on the items' own (made-up) hosts: never leave the loopback.
        "full_articles": "never",
    }
    values.update(settings)
    lines = ["[settings]"] + [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    for name, url in feeds:
        lines += ["", "[[feeds]]", f"name = {json.dumps(name)}", f"url = {json.dumps(url)}"]
        lines.append('tags = ["hostile", "100%_tag"]')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def serve_cases(cases: Sequence[Case], http: HTTPServer, raw: RawServer) -> list[tuple[str, str]]:
    """Register every case on its server; return (feed name, URL) pairs in case order."""
    urls = Urls(http, raw)
    feeds: list[tuple[str, str]] = []
    raw_index = 0
    for case in cases:
        path = f"/{case.name}"
        if case.raw is not None:
            raw.route(path, case.raw)
            raw_index += 1
            feeds.append((case.name, raw.url(path, host=raw_index % len(raw.hosts))))
            continue
        body = case.body(urls) if callable(case.body) else case.body
        assert body is not None, case.name
        headers = dict(case.headers)
        if case.content_type:
            headers["Content-Type"] = case.content_type
        http.expect_request(path).respond_with_response(
            Response(body, status=case.http_status, headers=headers)
        )
        feeds.append((case.name, urls.http_url(path)))
    return feeds


@dataclass
class FamilyRun:
    """One refresh of a whole family through the CLI, and how to look at what it stored."""

    cases: dict[str, Case]
    config: Path
    data_dir: Path
    refresh: CliRun
    results: dict[str, dict[str, Any]]
    http: HTTPServer
    raw: RawServer
    timeout: float = TIMEOUT

    @property
    def db_path(self) -> Path:
        return self.data_dir / "tui-reader.db"

    def store(self) -> Store:
        return Store.open(self.db_path)

    def articles(self, feed: str) -> list[Article]:
        """Every stored article of `feed`, in full (via get_article)."""
        with self.store() as store:
            heads = store.headlines(ArticleQuery(feed=feed), limit=1_000_000)
            full = [store.get_article(head.id) for head in heads]
        assert all(article is not None for article in full)
        return [article for article in full if article is not None]

    def http_hits(self, path: str) -> int:
        return sum(1 for request, _ in self.http.log if request.path == path)

    def cli(self, *args: str) -> CliRun:
        return cli(self.config, self.data_dir, *args)

    def assert_timeout_honoured(self, run: CliRun | None = None) -> None:
        """The refresh (the family's own unless `run` is given) ended as its timeout says."""
        elapsed = (run or self.refresh).elapsed
        bound = 2 * self.timeout + NOISE
        assert elapsed < bound, (
            f"refresh took {elapsed:.1f} s; the timeout ({self.timeout:g} s) allows {bound:g} s"
        )


def run_family(
    cases: Sequence[Case],
    http: HTTPServer,
    raw: RawServer,
    workdir: Path,
    **settings: object,
) -> FamilyRun:
    """Serve `cases`, refresh them all at once through the CLI, and return the run."""
    names = [case.name for case in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    feeds = serve_cases(cases, http, raw)
    config = write_config(workdir / "config.toml", feeds, **settings)
    data_dir = workdir / "data"
    refresh = cli(config, data_dir, "refresh", "--json")
    assert refresh.code == 0, refresh.err
    summary = json.loads(refresh.out)
    results = {feed["name"]: feed for feed in summary["feeds"]}
    assert set(results) == set(names)
    timeout = float(settings.get("timeout", TIMEOUT))  # type: ignore[arg-type]
    return FamilyRun(
        {case.name: case for case in cases}, config, data_dir, refresh, results, http, raw, timeout
    )


# --- checks ---------------------------------------------------------------------------------


def check_error_line(error: object) -> None:
    """A per-feed error is one short, clean line."""
    assert isinstance(error, str) and error.strip(), error
    assert "\n" not in error and "\r" not in error, error
    assert not FORBIDDEN.search(error), repr(error)
    assert len(error) <= MAX_ERROR, len(error)
    assert error == error.strip()


def check_link(link: str, *, allow_mailto: bool = False) -> None:
    """A stored link is empty or an absolute http(s) URL without spaces or controls."""
    if not link:
        return
    ok = ("http://", "https://") + (("mailto:",) if allow_mailto else ())
    assert link.lower().startswith(ok), link
    assert not re.search(r"[\s\x00-\x1f\x7f-\x9f]", link), repr(link)


def check_article(article: Article) -> None:
    """Every stored field is clean; links are http(s); the date is ISO 8601 UTC."""
    for name in ("title", "author", "summary", "body", "full_text", "feed"):
        value = getattr(article, name, None)
        if value is None:
            continue
        assert isinstance(value, str)
        assert not FORBIDDEN.search(value), (name, article.id, repr(value[:200]))
    assert article.title.strip(), article
    for name in ("title", "author"):
        value = getattr(article, name)
        assert "\n" not in value and "\t" not in value, (name, repr(value[:200]))
    check_link(article.link)
    for text in (article.summary, article.body, article.full_text or ""):
        for target in MARKDOWN_TARGET.findall(text):
            if target.startswith(("http://", "https://", "mailto:")):
                check_link(target, allow_mailto=True)
            else:
                # Markdown like "[x](y)" that is not a link we made: fine only if it is text.
                assert not target.lower().startswith(
                    ("javascript:", "data:", "file:", "vbscript:")
                ), target
    published = datetime.fromisoformat(article.published)
    assert published.utcoffset() is not None and published.utcoffset().total_seconds() == 0
    assert published.year <= FETCHED_YEAR_MAX, article.published


def check_case(run: FamilyRun, name: str) -> list[Article]:
    """The case's status, error line, stored text and own properties."""
    case = run.cases[name]
    result = run.results[name]
    assert result["status"] == case.status, result
    if case.status == "error":
        check_error_line(result["error"])
        for fragment in case.error_has:
            assert fragment in result["error"].lower(), (fragment, result["error"])
        assert result["new_items"] == 0
    else:
        assert result["error"] is None, result
    articles = run.articles(name)
    for article in articles:
        check_article(article)
    if case.items is not None:
        assert len(articles) == case.items, [a.title for a in articles][:20]
        if case.status == "ok":
            assert result["new_items"] == case.items
    if case.check is not None:
        case.check(articles, run)
    return articles


def sweep_database(db_path: Path) -> int:
    """Every text column of every row is clean (SQL, not the store: nothing is skipped)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = 0
        for row in conn.execute(
            "SELECT title, link, author, published, summary, body, coalesce(full_text, ''), "
            "guid FROM articles"
        ):
            rows += 1
            for value in row[:7]:
                assert not FORBIDDEN.search(value), repr(value[:200])
            check_link(row[1])
        for row in conn.execute("SELECT name, coalesce(last_error, '') FROM feeds"):
            for value in row:
                assert not FORBIDDEN.search(value), repr(value)
            if row[1]:
                check_error_line(row[1])
        return rows
    finally:
        conn.close()


def rich_visible(text: str) -> str:
    """Terminal output with Rich's own SGR styles and http(s) OSC 8 hyperlinks removed."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    targets = re.findall(r"\x1b\]8;[^;\x07\x1b]*;([^\x07\x1b]*)(?:\x1b\\|\x07)", text)
    for target in targets:
        if target:
            check_link(target, allow_mailto=True)
    return re.sub(r"\x1b\]8;[^;\x07\x1b]*;[^\x07\x1b]*(?:\x1b\\|\x07)", "", text)


def check_commands(run: FamilyRun, *, show_limit: int = 400) -> None:
    """`headlines` (JSON and plain), `show` and `headlines --search` all work on the data."""
    listed = run.cli("headlines", "--json", "--limit", "1000000")
    assert listed.code == 0, listed.err
    items = json.loads(listed.out)
    with run.store() as store:
        assert len(items) == store.count(ArticleQuery())
    for item in items:
        for key in ("title", "link", "author", "feed", "published"):
            assert not FORBIDDEN.search(item[key]), (key, item[key])
        check_link(item["link"])

    plain = run.cli("headlines", "--limit", "1000000")
    assert plain.code == 0, plain.err
    assert not FORBIDDEN.search(plain.out.replace("\n", "")), "control character in headlines"

    for item in items[:show_limit]:
        shown = run.cli("show", str(item["id"]))
        assert shown.code == 0, (item, shown.err)
        assert not FORBIDDEN.search(shown.out.replace("\n", "").replace("\t", "")), repr(
            shown.out[:300]
        )

    for query in NASTY_SEARCHES:
        found = run.cli("headlines", "--json", "--search", query)
        assert found.code == 0, (query, found.err)
        assert isinstance(json.loads(found.out), list)


@contextlib.contextmanager
def servers(extra_hosts: int = 60) -> Iterator[tuple[HTTPServer, RawServer]]:
    """A threaded pytest-httpserver and a RawServer on the loopback, stopped afterwards."""
    http = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    http.start()
    raw = RawServer(extra_hosts=extra_hosts).start()
    try:
        yield http, raw
    finally:
        raw.stop()
        http.clear()
        http.stop()


def family_fixture(cases: Sequence[Case], workdir: str) -> Any:
    """A module's `family` fixture: `cases` served and refreshed once for the module."""

    @pytest.fixture(scope="module")
    def family(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FamilyRun]:
        with servers(extra_hosts=0) as (http, raw):
            yield run_family(cases, http, raw, tmp_path_factory.mktemp(workdir))

    return family


class FamilyChecks:
    """What every family of hostile feeds must give. A family's module holds `CASES`, a
    `family` fixture and `class TestFamily(FamilyChecks)`; `case_name` runs over the
    module's CASES (tests/hostile/conftest.py)."""

    def test_refresh_honours_the_timeout(self, family: FamilyRun) -> None:
        family.assert_timeout_honoured()

    def test_case(self, family: FamilyRun, case_name: str) -> None:
        check_case(family, case_name)

    def test_database_is_clean(self, family: FamilyRun) -> None:
        assert sweep_database(family.db_path) > 0

    def test_commands_work_on_what_was_stored(self, family: FamilyRun) -> None:
        check_commands(family)
