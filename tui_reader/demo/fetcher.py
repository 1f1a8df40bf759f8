"""The demo's fetcher: serves the bundled sample feeds instead of touching the network."""

from __future__ import annotations

from tui_reader.demo import DEMO_FEEDS, demo_feed_bytes, demo_feed_url, demo_image
from tui_reader.models import Config, FeedConfig, FetchResult, Settings


def demo_config() -> Config:
    """A config holding only the bundled feeds; manual refresh, since nothing changes."""
    feeds = tuple(
        FeedConfig(name=name, url=demo_feed_url(filename), tags=tags)
        for name, filename, tags in DEMO_FEEDS
    )
    return Config(settings=Settings(refresh_interval=0, keep_days=0), feeds=feeds)


class DemoFetcher:
    """Answers `fetch(url)` for demo URLs from package data; any other URL is an error."""

    def __init__(self) -> None:
        self._files = {demo_feed_url(filename): filename for _, filename, _ in DEMO_FEEDS}

    async def __aenter__(self) -> DemoFetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "",
    ) -> FetchResult:
        """Return the bundled bytes for a demo URL (article pages are errors: no network)."""
        filename = self._files.get(url)
        picture = demo_image(url)
        if picture is not None:  # the pictures drawn for the demo's articles
            return FetchResult(url, "ok", body=picture[0], final_url=url, content_type=picture[1])
        if filename is None:
            return FetchResult(
                url, "error", error="the demo works offline: nothing is fetched from the web"
            )
        content_type = (
            "application/atom+xml" if filename.endswith(".atom") else "application/rss+xml"
        )
        return FetchResult(
            url, "ok", body=demo_feed_bytes(filename), final_url=url, content_type=content_type
        )
