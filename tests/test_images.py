"""Pictures: found in Markdown, downloaded within bounds from 127.0.0.1, decoded, cached."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from PIL import Image
from pytest_httpserver import HTTPServer

from tests.hostile_server import HostileServer, dripping
from tui_reader.demo import demo_image
from tui_reader.fetch import Fetcher
from tui_reader.images import (
    MAX_IMAGE_BYTES,
    ImageCache,
    ImageError,
    decode_image,
    find_images,
    halfcell_rows,
    load_image,
)

SHORT = 1.5


def png(width: int = 40, height: int = 20, mode: str = "RGB") -> bytes:
    picture = Image.new(mode, (width, height))
    if mode == "RGB":
        for x in range(width):
            picture.putpixel((x, 0), (x * 6 % 256, 100, 200))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def image_fetcher(timeout: float = 5.0) -> Fetcher:
    return Fetcher(timeout=timeout, max_bytes=MAX_IMAGE_BYTES)


# --- finding pictures in Markdown -------------------------------------------------------------


def test_find_images_on_their_own_lines() -> None:
    markdown = (
        "Intro.\n\n![Un chat \\[roux\\]](https://ex.com/chat.png)\n\n*Crédit*\n\n"
        'Inline ![x](https://ex.com/x.png) stays.\n\n[![logo](https://ex.com/l.png "t")](https://ex.com/)\n\n'
        "![bad](javascript:alert(1))\n"
    )
    refs = find_images(markdown)
    assert [(r.line, r.url, r.alt, r.link) for r in refs] == [
        (2, "https://ex.com/chat.png", "Un chat [roux]", ""),
        (8, "https://ex.com/l.png", "logo", "https://ex.com/"),
    ]


def test_the_demo_story_carries_its_bundled_picture() -> None:
    from tui_reader.demo import demo_feed_bytes, demo_feed_url
    from tui_reader.parse import parse_feed

    parsed = parse_feed(demo_feed_bytes("numerama.xml"), url=demo_feed_url("numerama.xml"))
    tiktok = next(e for e in parsed.entries if "TikTok" in e.title)
    (ref,) = find_images(tiktok.body)
    bundled = demo_image(ref.url)
    assert bundled is not None
    data, content_type = bundled
    assert content_type == "image/png" and len(data) < 20_000
    assert decode_image(data, content_type).size == (320, 180)


# --- decoding ---------------------------------------------------------------------------------


def test_decode_scales_down_and_keeps_proportions() -> None:
    picture = decode_image(png(1280, 640))
    assert picture.size == (640, 320)
    assert picture.mode == "RGBA"


def test_pixel_count_is_checked_from_the_header_before_decoding() -> None:
    data = png(6000, 5000, mode="1")  # 30 megapixels in a few kilobytes
    assert len(data) < 200_000
    with pytest.raises(ImageError, match="too large \\(6000×5000 pixels\\)"):
        decode_image(data, "image/png")


@pytest.mark.parametrize(
    ("data", "content_type", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml", "SVG"),
        (b"<?xml version='1.0'?><svg/>", "", "SVG"),
        (b"<html><body>Not found</body></html>", "text/html", "not a picture"),
        (b"GIF89a\x00\x00broken", "image/gif", "picture"),
        (png(3, 3), "image/png", "too small"),
    ],
)
def test_what_cannot_be_shown_is_a_one_line_error(
    data: bytes, content_type: str, message: str
) -> None:
    with pytest.raises(ImageError, match=message) as caught:
        decode_image(data, content_type)
    assert "\n" not in str(caught.value)


def test_halfcell_rows_fit_the_box_two_pixels_a_cell() -> None:
    picture = decode_image(png(400, 200))
    rows = halfcell_rows(picture, max_width=40, max_rows=30)
    assert len(rows[0]) == 40 and len(rows) == 10
    rows = halfcell_rows(picture, max_width=200, max_rows=5)
    assert len(rows) == 5 and len(rows[0]) == 20
    top, bottom = rows[0][0]
    assert top is not None and bottom is not None


def test_transparent_pixels_let_the_background_through() -> None:
    picture = Image.new("RGBA", (16, 16), (0, 0, 0, 0))
    rows = halfcell_rows(picture, 16, 8)
    assert rows[0][0] == (None, None)


# --- downloading ------------------------------------------------------------------------------


async def test_download_decodes_and_caches(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_oneshot_request("/p.png").respond_with_data(png(), content_type="image/png")
    cache = ImageCache(tmp_path / "images")
    async with image_fetcher() as fetcher:
        first = await load_image(fetcher, httpserver.url_for("/p.png"), cache)
        assert first.error is None and first.image is not None and first.image.size == (40, 20)
        # Served once only: the second time comes from the disk cache.
        again = await load_image(fetcher, httpserver.url_for("/p.png"), cache)
    assert again.image is not None and again.image.size == (40, 20)
    assert len(list((tmp_path / "images").glob("*.png"))) == 1
    httpserver.check_assertions()


async def test_too_big_a_download_is_cut_off(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big.png").respond_with_data(
        b"\x89PNG" + b"\0" * (MAX_IMAGE_BYTES + 10), content_type="image/png"
    )
    async with image_fetcher() as fetcher:
        result = await load_image(fetcher, httpserver.url_for("/big.png"), None)
    assert result.image is None
    assert result.error is not None and "larger than 5 MB" in result.error


async def test_too_many_pixels_is_refused(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/bomb.png").respond_with_data(
        png(6000, 5000, mode="1"), content_type="image/png"
    )
    cache = ImageCache(tmp_path / "images")
    async with image_fetcher() as fetcher:
        result = await load_image(fetcher, httpserver.url_for("/bomb.png"), cache)
    assert result.image is None
    assert result.error == "picture too large (6000×5000 pixels)"
    assert not (tmp_path / "images").exists() or not list((tmp_path / "images").iterdir())


async def test_not_an_image_gives_its_type(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page").respond_with_data(
        "<html><body>hello</body></html>", content_type="text/html; charset=utf-8"
    )
    async with image_fetcher() as fetcher:
        result = await load_image(fetcher, httpserver.url_for("/page"), None)
    assert result.error == "not a picture that can be shown (text/html)"


async def test_svg_shows_its_alt_text(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/logo.svg").respond_with_data(
        "<svg xmlns='http://www.w3.org/2000/svg'></svg>", content_type="image/svg+xml"
    )
    async with image_fetcher() as fetcher:
        result = await load_image(fetcher, httpserver.url_for("/logo.svg"), None)
    assert result.image is None and result.error == "SVG pictures are not shown"


async def test_redirect_to_a_non_http_scheme_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/moved.png").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    async with image_fetcher() as fetcher:
        result = await load_image(fetcher, httpserver.url_for("/moved.png"), None)
    assert result.image is None
    assert result.error is not None and "redirect to a non-http(s) URL" in result.error


async def test_a_slow_server_ends_in_the_timeout() -> None:
    drip = dripping(1000, every=0.5, headers=b"Content-Type: image/png\r\n")
    async with HostileServer(drip) as server, image_fetcher(timeout=SHORT) as fetcher:
        result = await load_image(fetcher, server.url("/slow.png"), None)
    assert result.image is None
    assert result.error is not None and "timed out" in result.error


async def test_non_http_urls_are_not_fetched() -> None:
    async with image_fetcher() as fetcher:
        result = await load_image(fetcher, "file:///etc/passwd", None)
    assert result.error == "not an http(s) picture"


# --- the cache --------------------------------------------------------------------------------


def test_cache_is_trimmed_least_recently_used_first(tmp_path: Path) -> None:
    picture = decode_image(png(64, 64))
    cache = ImageCache(tmp_path, max_bytes=10**9)
    for name in ("a", "b", "c"):
        cache.put(f"https://ex.com/{name}.png", picture)
    now = time.time()
    for age, name in ((300, "a"), (200, "b"), (100, "c")):
        os.utime(cache.path(f"https://ex.com/{name}.png"), (now - age, now - age))
    assert cache.get("https://ex.com/a.png") is not None  # used: now the newest
    one = cache.path("https://ex.com/a.png").stat().st_size
    cache.max_bytes = 2 * one
    cache.trim()
    assert cache.get("https://ex.com/b.png") is None
    assert cache.get("https://ex.com/a.png") is not None
    assert cache.get("https://ex.com/c.png") is not None


def test_a_damaged_cache_file_counts_as_missing(tmp_path: Path) -> None:
    cache = ImageCache(tmp_path)
    cache.path("https://ex.com/a.png").write_bytes(b"not a png")
    assert cache.get("https://ex.com/a.png") is None


async def test_demo_pictures_never_touch_the_network(tmp_path: Path) -> None:
    class NoNetwork:
        async def fetch(self, url: str, **kwargs: object) -> object:
            raise AssertionError(f"fetched {url}")

    url = "https://demo.tui-reader.invalid/images/tiktok.png"
    result = await load_image(NoNetwork(), url, ImageCache(tmp_path))  # type: ignore[arg-type]
    assert result.image is not None and result.image.size == (320, 180)
