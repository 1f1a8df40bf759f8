"""Bundled sample feeds for `tui-reader --demo`, readable offline.

The files live in `feeds/` next to this module. Each has a fake but valid URL under
`DEMO_BASE_URL` (the `.invalid` TLD never resolves), so the refresh code can recognise a demo
feed and read its bundled bytes instead of going to the network.
"""

from __future__ import annotations

from importlib.resources import files

DEMO_BASE_URL = "https://demo.tui-reader.invalid/"

DEMO_FEEDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Numerama (démo)", "numerama.xml", ("tech", "fr", "science")),
    ("Frandroid (démo)", "frandroid.atom", ("tech", "fr", "mobile")),
    ("Korben (démo)", "korben.xml", ("tech", "fr", "securite")),
    ("Next (démo)", "next.xml", ("tech", "fr", "securite", "ia")),
    ("Journal du Geek (démo)", "journaldugeek.xml", ("fr", "science", "jeux")),
)
"""(name, filename, tags) of every bundled feed."""

_FILENAMES = frozenset(filename for _, filename, _ in DEMO_FEEDS)


def demo_feed_bytes(filename: str) -> bytes:
    """Return the raw bytes of a bundled demo feed; ValueError for an unknown filename."""
    if filename not in _FILENAMES:
        raise ValueError(f"unknown demo feed: {filename!r}")
    return files(__name__).joinpath("feeds").joinpath(filename).read_bytes()


def demo_feed_url(filename: str) -> str:
    """Return the fake URL a demo feed is configured with, e.g. `https://demo.tui-reader.invalid/korben.xml`."""
    if filename not in _FILENAMES:
        raise ValueError(f"unknown demo feed: {filename!r}")
    return DEMO_BASE_URL + filename


def demo_filename_for_url(url: str) -> str | None:
    """Return the bundled filename behind a demo URL, or None when `url` is not a demo feed."""
    if not url.startswith(DEMO_BASE_URL):
        return None
    filename = url.removeprefix(DEMO_BASE_URL)
    return filename if filename in _FILENAMES else None


DEMO_IMAGES: dict[str, str] = {"images/tiktok.png": "image/png"}
"""Pictures drawn for the demo (path under `DEMO_BASE_URL` → content type), served offline."""


def demo_image(url: str) -> tuple[bytes, str] | None:
    """The bundled bytes and content type of a demo picture URL, or None for any other URL."""
    if not url.startswith(DEMO_BASE_URL):
        return None
    name = url.removeprefix(DEMO_BASE_URL)
    content_type = DEMO_IMAGES.get(name)
    if content_type is None:
        return None
    return files(__name__).joinpath(name).read_bytes(), content_type
