"""Pictures of articles: found in the Markdown, downloaded with bounds, decoded, cached on disk.

Downloads go through the same `Fetcher` as feeds (deadline, redirects checked hop by hop,
http(s) only) with a 5 MB cap. The pixel count is read from the image header and checked
*before* anything is decoded, so a small file that would inflate into gigabytes of pixels
(a decompression bomb) is refused. Decoding and scaling are synchronous and CPU-bound: the
UI runs `load_image` in a worker and `halfcell_rows` in a thread. SVG and formats Pillow does
not read give an error, and the reader shows the picture's alt text instead.

The cache keeps a downscaled PNG per URL in `<data dir>/images/`, trimmed oldest first when
it grows past its cap. This module imports neither Textual nor Rich: the UI turns the rows
of colours `halfcell_rows` returns into cells.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image, UnidentifiedImageError

from tui_reader.demo import demo_image
from tui_reader.i18n import _
from tui_reader.models import FetchResult
from tui_reader.text import safe_link

__all__ = [
    "CACHE_MAX_BYTES",
    "IMAGE_ACCEPT",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "ImageCache",
    "ImageError",
    "ImageRef",
    "ImageResult",
    "decode_image",
    "find_images",
    "halfcell_rows",
    "load_image",
]

MAX_IMAGE_BYTES = 5_000_000
"""Largest picture downloaded, in bytes."""
MAX_IMAGE_PIXELS = 25_000_000
"""Largest picture decoded, in pixels (width × height), checked from the header first."""
CACHE_MAX_BYTES = 50_000_000
"""The on-disk cache is trimmed, oldest first, back under this size."""
STORED_MAX_SIDE = 640
"""Pictures are kept at most this many pixels wide or high: plenty for a terminal."""
MIN_SIDE = 8
"""Smaller pictures (tracking pixels, spacers) are not shown."""
IMAGE_ACCEPT = "image/png, image/jpeg, image/gif, image/webp, image/*;q=0.8"
FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
"""Formats decoded; anything else (SVG, TIFF, ICO …) shows the alt text."""

RGB = tuple[int, int, int]


class ImageError(Exception):
    """A picture that cannot be shown; the message is one line for the user."""


class ImageFetcher(Protocol):
    """Anything that fetches like `fetch.Fetcher` (the demo's fetcher serves its pictures)."""

    async def fetch(self, url: str, *, accept: str = ...) -> FetchResult: ...


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A picture standing on a line of its own in the Markdown: where, which, and its alt text."""

    line: int  # index of the Markdown line holding it
    url: str
    alt: str
    link: str = ""  # the picture is itself a link to this


@dataclass(frozen=True, slots=True)
class ImageResult:
    """A decoded picture (RGBA, at most STORED_MAX_SIDE a side), or why there is none."""

    url: str
    image: Image.Image | None = None
    error: str | None = None


# `![alt](url)` or `![alt](url "title")`, optionally wrapped in a link `[...](target)`, alone
# on its line: the form html_to_markdown and trafilatura give a picture between paragraphs.
_IMAGE_LINE_RE = re.compile(
    r"^\s*(?P<open>\[)?!\[(?P<alt>(?:\\.|[^\\\[\]])*)\]"
    r"\((?P<url>[^\s()]+)(?:\s+\"[^\"\n]*\")?\)"
    r"(?(open)\]\((?P<link>[^\s()]+)(?:\s+\"[^\"\n]*\")?\))\s*$"
)
_MD_ESCAPE_RE = re.compile(r"\\(.)")


def find_images(markdown: str) -> list[ImageRef]:
    """The pictures of an article that stand on their own line, in reading order."""
    if "![" not in markdown:
        return []
    found = []
    for index, line in enumerate(markdown.split("\n")):
        if "![" not in line:
            continue
        match = _IMAGE_LINE_RE.match(line)
        if match is None:
            continue
        url = safe_link(match["url"])
        if not url:
            continue
        alt = " ".join(_MD_ESCAPE_RE.sub(r"\1", match["alt"]).split())
        found.append(ImageRef(index, url, alt, safe_link(match["link"] or "")))
    return found


def _looks_like_svg(data: bytes, content_type: str) -> bool:
    if "svg" in content_type.lower():
        return True
    head = data[:512].lstrip().lower()
    return head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in head


def decode_image(data: bytes, content_type: str = "") -> Image.Image:
    """Bytes → an RGBA picture at most STORED_MAX_SIDE a side; ImageError when it cannot be.

    The size in pixels comes from the header, before any pixel is decoded.
    """
    if _looks_like_svg(data, content_type):
        raise ImageError(_("SVG pictures are not shown"))
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(_("picture larger than {n} MB").format(n=MAX_IMAGE_BYTES // 1_000_000))
    with warnings.catch_warnings():
        # Pillow warns past its own MAX_IMAGE_PIXELS and refuses at twice that: our limit is
        # lower and checked first, so a warning here is an error too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(data), formats=FORMATS)
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ):
            kind = content_type.split(";")[0].strip() or _("unknown format")
            raise ImageError(
                _("not a picture that can be shown ({kind})").format(kind=kind)
            ) from None
        except (OSError, ValueError, SyntaxError) as error:
            raise ImageError(_("broken picture ({error})").format(error=error)) from None
        width, height = picture.size
        if width < MIN_SIDE or height < MIN_SIDE:
            raise ImageError(
                _("picture too small to show ({width}×{height} pixels)").format(
                    width=width, height=height
                )
            )
        if width * height > MAX_IMAGE_PIXELS:
            raise ImageError(
                _("picture too large ({width}×{height} pixels)").format(width=width, height=height)
            )
        try:
            if picture.format == "JPEG":
                picture.draft("RGB", (STORED_MAX_SIDE, STORED_MAX_SIDE))  # decode at 1/2…1/8
            picture.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS)
            return picture.convert("RGBA")
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning) as error:
            raise ImageError(_("broken picture ({error})").format(error=error)) from None


def halfcell_rows(
    picture: Image.Image, max_width: int, max_rows: int
) -> list[list[tuple[RGB | None, RGB | None]]]:
    """The picture as rows of cells, each (top colour, bottom colour), to draw with `▀`.

    It fits in `max_width` cells and `max_rows` rows, keeping its proportions (a cell is
    about twice as high as wide, so it holds two pixels one above the other). A transparent
    pixel is None: the background shows through.
    """
    width, height = picture.size
    scale = min(max_width / width, (2 * max_rows) / height, 1.0)
    cells_wide = max(1, round(width * scale))
    pixels_high = max(2, round(height * scale))
    pixels_high += pixels_high % 2
    small = picture.resize((cells_wide, pixels_high), Image.Resampling.LANCZOS)
    data = small.load()
    assert data is not None

    def colour(x: int, y: int) -> RGB | None:
        r, g, b, a = data[x, y]  # type: ignore[misc]
        return None if a < 128 else (r, g, b)

    return [
        [(colour(x, y), colour(x, y + 1)) for x in range(cells_wide)]
        for y in range(0, pixels_high, 2)
    ]


class ImageCache:
    """Decoded pictures as PNG files named by the hash of their URL, under a size cap."""

    def __init__(self, directory: Path, max_bytes: int = CACHE_MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes

    def path(self, url: str) -> Path:
        return self.directory / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".png")

    def get(self, url: str) -> Image.Image | None:
        """The cached picture for `url`, or None (a damaged file counts as none)."""
        path = self.path(url)
        try:
            with Image.open(path, formats=("PNG",)) as picture:
                picture.load()
                loaded = picture.convert("RGBA")
            os.utime(path)  # recently used: trimmed last
            return loaded
        except (OSError, ValueError, SyntaxError):
            return None

    def put(self, url: str, picture: Image.Image) -> None:
        """Store a picture, then trim the cache; a full or read-only disk only loses the cache."""
        path = self.path(url)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            picture.save(partial, format="PNG", optimize=False)
            partial.replace(path)
            self.trim()
        except OSError:
            with contextlib.suppress(OSError):
                path.with_suffix(".part").unlink()

    def _files(self) -> Iterator[tuple[float, int, Path]]:
        for path in self.directory.glob("*.png"):
            with contextlib.suppress(OSError):
                stat = path.stat()
                yield stat.st_mtime, stat.st_size, path

    def trim(self) -> None:
        """Delete the least recently used pictures until the cache fits its cap."""
        files = sorted(self._files())
        total = sum(size for _mtime, size, _path in files)
        for _mtime, size, path in files:
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size


async def load_image(fetcher: ImageFetcher, url: str, cache: ImageCache | None) -> ImageResult:
    """The picture at `url`: from the cache, else downloaded, decoded (in a thread) and cached.

    Never raises for what the network or the file does: the error is in the result.
    """
    link = safe_link(url)
    if not link:
        return ImageResult(url, error=_("not an http(s) picture"))
    if cache is not None:
        cached = await asyncio.to_thread(cache.get, link)
        if cached is not None:
            return ImageResult(url, cached)
    bundled = demo_image(link)
    if bundled is not None:
        # A picture drawn for the demo (its `.invalid` host never resolves): never the network.
        result = FetchResult(link, "ok", body=bundled[0], content_type=bundled[1])
    else:
        result = await fetcher.fetch(link, accept=IMAGE_ACCEPT)
    if result.status != "ok" or result.body is None:
        return ImageResult(url, error=result.error or "no picture received")
    try:
        picture = await asyncio.to_thread(decode_image, result.body, result.content_type)
    except ImageError as error:
        return ImageResult(url, error=str(error))
    if cache is not None:
        await asyncio.to_thread(cache.put, link, picture)
    return ImageResult(url, picture)
