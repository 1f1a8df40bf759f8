"""An article's pictures: downloaded, decoded and cached off the loop, kept for a while."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from tui_reader.ui.messages import PicturesLoaded
from tui_reader.ui.services import Service, import_off_loop

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from tui_reader.images import ImageFetcher, ImageResult
    from tui_reader.ui.app import ReaderApp

MAX_PICTURES = 12
"""Pictures loaded per article (the first ones: the rest show their alt text)."""
MAX_PICTURES_KEPT = 48
"""Decoded pictures kept in memory (also on disk, in the image cache)."""


class Pictures(Service):
    """The decoded pictures (by URL, most recent last) and the worker that loads them."""

    def __init__(self, app: ReaderApp) -> None:
        super().__init__(app)
        self.loaded: dict[str, ImageResult] = {}
        self._loading: tuple[int, tuple[str, ...]] | None = None  # the load in flight

    def make_fetcher(self) -> AbstractAsyncContextManager[ImageFetcher]:
        """The fetcher for pictures: the demo's own, else one bounded to MAX_IMAGE_BYTES."""
        if self.app.demo:
            return self.app.make_fetcher()  # type: ignore[return-value]
        from tui_reader.fetch import Fetcher
        from tui_reader.images import MAX_IMAGE_BYTES

        timeout = self.app.config.settings.timeout
        return Fetcher(concurrency=4, per_host=2, timeout=timeout, max_bytes=MAX_IMAGE_BYTES)

    def missing(self, urls: list[str]) -> list[str]:
        """The first of `urls` not loaded yet (thread-safe read)."""
        return [url for url in urls if url not in self.loaded][:MAX_PICTURES]

    def load(self, article_id: int, urls: list[str]) -> None:
        """Load `urls` (one article's at a time), then tell the screens to draw it again.

        The same article drawn again (a resize, a new note) while its pictures are on their
        way asks for the same ones: that load goes on rather than starting over."""
        wanted = (article_id, tuple(urls))
        if wanted == self._loading:
            return
        self._loading = wanted
        self.app.run_worker(
            self._load(article_id, urls), group="pictures", exclusive=True, exit_on_error=False
        )

    async def _load(self, article_id: int, urls: list[str]) -> None:
        wanted = (article_id, tuple(urls))
        try:
            images = await import_off_loop("tui_reader.images")
            cache = images.ImageCache(self.app.store.path.parent / "images")
            async with self.make_fetcher() as fetcher:
                results = await asyncio.gather(
                    *(images.load_image(fetcher, url, cache) for url in urls)
                )
        finally:
            if self._loading == wanted:
                self._loading = None
        for result in results:
            self.loaded.pop(result.url, None)
            self.loaded[result.url] = result
        while len(self.loaded) > MAX_PICTURES_KEPT:
            del self.loaded[next(iter(self.loaded))]
        self.tell(PicturesLoaded(article_id))
