"""Feed discovery against pages served on 127.0.0.1, through the real Fetcher."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tests.feeds import numbered_items, rss
from tui_reader.discover import DiscoveryError, discover_feeds, feed_links
from tui_reader.fetch import Fetcher

FEED = rss("Le Flux", numbered_items(2, "Flux"))


def html(head: str = "", body: str = "") -> str:
    return f"<!doctype html><html><head><title>Page</title>{head}</head><body>{body}</body></html>"


def serve_feed(httpserver: HTTPServer, path: str, title: str = "Le Flux") -> str:
    httpserver.expect_request(path).respond_with_data(
        rss(title, numbered_items(2, title)), content_type="application/rss+xml"
    )
    return httpserver.url_for(path)


async def discover(url: str, *, every: bool = False, max_bytes: int = 10_000_000) -> list[str]:
    async with Fetcher(timeout=5, max_bytes=max_bytes) as fetcher:
        return [found.url for found in await discover_feeds(fetcher, url, every=every)]


async def test_a_feed_url_is_its_own_feed(httpserver: HTTPServer) -> None:
    url = serve_feed(httpserver, "/feed.rss")
    async with Fetcher(timeout=5) as fetcher:
        (found,) = await discover_feeds(fetcher, url)
    assert found.url == url and found.title == "Le Flux" and found.via == "url"
    assert [entry.title for entry in found.parsed.entries] == ["Le Flux 0", "Le Flux 1"]


@pytest.mark.parametrize(
    ("markup", "where"),
    [
        ('<link rel="alternate" type="application/rss+xml" href="feeds/main.xml">', "head"),
        (
            '<LINK REL="Alternate Feed" TYPE="Application/RSS+XML; charset=utf-8" '
            'HREF="feeds/main.xml">',
            "head",
        ),
        ("<link href=feeds/main.xml type=application/atom+xml rel=alternate>", "body"),
        (
            '<div><p><link rel="alternate" type="application/feed+json" '
            'href="/blog/feeds/main.xml"></p></div>',
            "body",
        ),
    ],
    ids=["plain", "upper-case-and-params", "unquoted-in-body", "nested-absolute-path"],
)
async def test_link_tags_in_odd_places(httpserver: HTTPServer, markup: str, where: str) -> None:
    feed = serve_feed(httpserver, "/blog/feeds/main.xml")
    page = html(head=markup) if where == "head" else html(body=markup)
    httpserver.expect_request("/blog/").respond_with_data(page, content_type="text/html")
    assert await discover(httpserver.url_for("/blog/")) == [feed]


def test_protocol_relative_and_base_href() -> None:
    page = html(
        '<base href="https://cdn.example.org/site/">'
        '<link rel="alternate" type="application/rss+xml" href="rss.xml" title="Main">'
        '<link rel="alternate" type="application/atom+xml" href="//other.example.net/atom">'
        '<link rel="alternate" type="text/html" href="/fr/">'
        '<link rel="stylesheet" type="application/rss+xml" href="/not-a-feed">'
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
        '<link rel="alternate" type="application/rss+xml" href="RSS.xml#dup">'
    ).encode()
    assert feed_links(page, "http://example.org/page") == [
        ("https://cdn.example.org/site/rss.xml", "Main"),
        ("https://other.example.net/atom", ""),
        ("https://cdn.example.org/site/RSS.xml#dup", ""),
    ]


async def test_protocol_relative_href_is_fetched(httpserver: HTTPServer) -> None:
    feed = serve_feed(httpserver, "/x/feed")
    host = httpserver.url_for("/x/feed").split("://", 1)[1]
    httpserver.expect_request("/").respond_with_data(
        html(f'<link rel="alternate" type="application/rss+xml" href="//{host}">'),
        content_type="text/html",
    )
    assert await discover(httpserver.url_for("/")) == [feed]


async def test_several_feeds_first_or_every(httpserver: HTTPServer) -> None:
    one = serve_feed(httpserver, "/one.xml", "One")
    two = serve_feed(httpserver, "/two.xml", "Two")
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    httpserver.expect_request("/").respond_with_data(
        html(
            '<link rel="alternate" type="application/rss+xml" href="/gone.xml">'
            '<link rel="alternate" type="application/rss+xml" href="/one.xml">'
            '<link rel="alternate" type="application/atom+xml" href="/two.xml">'
        ),
        content_type="text/html",
    )
    assert await discover(httpserver.url_for("/")) == [one]  # the first that works
    assert await discover(httpserver.url_for("/"), every=True) == [one, two]


async def test_usual_paths_when_the_page_links_none(httpserver: HTTPServer) -> None:
    feed = serve_feed(httpserver, "/atom.xml")
    httpserver.expect_request("/section/page").respond_with_data(
        html(body="<p>no link here</p>"), content_type="text/html"
    )
    assert await discover(httpserver.url_for("/section/page")) == [feed]


async def test_nothing_found_is_one_line(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data(html(), content_type="text/html")
    with pytest.raises(DiscoveryError) as caught:
        await discover(httpserver.url_for("/"))
    message = str(caught.value)
    assert "\n" not in message and "no feed found" in message and "/feed" in message


async def test_a_page_that_redirects_resolves_against_the_final_url(
    httpserver: HTTPServer,
) -> None:
    feed = serve_feed(httpserver, "/new/feed.xml")
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/new/index.html")})
    )
    httpserver.expect_request("/new/index.html").respond_with_data(
        html('<link rel="alternate" type="application/rss+xml" href="feed.xml">'),
        content_type="text/html",
    )
    assert await discover(httpserver.url_for("/old")) == [feed]


async def test_redirect_loop_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_response(
        Response(status=302, headers={"Location": "/loop"})
    )
    with pytest.raises(DiscoveryError, match="too many redirects"):
        await discover(httpserver.url_for("/loop"))


async def test_a_10_mb_page_is_read_within_limits(httpserver: HTTPServer) -> None:
    feed = serve_feed(httpserver, "/feed.xml")
    filler = "<p>" + "x" * 1000 + "</p>"
    big = html(
        body=filler * 9_900 + '<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
    )
    assert 9_900_000 < len(big) < 10_000_000
    httpserver.expect_request("/big").respond_with_data(big, content_type="text/html")
    assert await discover(httpserver.url_for("/big")) == [feed]
    httpserver.expect_request("/huge").respond_with_data(
        big + "y" * 200_000, content_type="text/html"
    )
    with pytest.raises(DiscoveryError, match="larger than"):
        await discover(httpserver.url_for("/huge"))


async def test_not_http_is_refused_without_fetching() -> None:
    with pytest.raises(DiscoveryError, match="only http"):
        await discover("ftp://example.org/feed")
