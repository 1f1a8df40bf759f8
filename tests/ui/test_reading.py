"""The reading pane: pictures inline, links by number, rewrap on resize, counts on open."""

from __future__ import annotations

from tests.ui.conftest import AppFactory, sample_config
from tests.ui.test_app import main_screen, open_tiktok, settle
from tui_reader.demo.fetcher import DemoFetcher
from tui_reader.ui.widgets.reader_pane import ReaderPane

TIKTOK_ALT = "Un smartphone affichant le logo de TikTok"


async def settle_all(pilot) -> None:
    """Wait until no worker runs any more: opening an article starts the picture loader,
    which starts a second rendering when its pictures arrive."""
    for _ in range(20):
        await settle(pilot)
        if not any(worker.is_running for worker in pilot.app.workers):
            return
    raise AssertionError("workers still running")


def body_text(app) -> list[str]:
    body = main_screen(app).query_one(ReaderPane).body
    return [strip.text for strip in body.lines]


async def test_demo_picture_is_drawn_in_half_cells_above_its_alt_text(
    make_app: AppFactory,
) -> None:
    app = make_app(sample_config(images="halfcell"), demo=True, make_fetcher=DemoFetcher)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_tiktok(pilot)
        await settle_all(pilot)
        lines = body_text(app)
        alt_row = next(i for i, line in enumerate(lines) if TIKTOK_ALT in line)
        picture_rows = [i for i, line in enumerate(lines) if "▀" in line]
        assert len(picture_rows) >= 8
        assert picture_rows == list(range(picture_rows[0], alt_row))
        body = main_screen(app).query_one(ReaderPane).body
        colours = {
            segment.style.bgcolor.triplet
            for segment in body.lines[picture_rows[4]]
            if segment.style is not None and segment.style.bgcolor is not None
        }
        assert len(colours) > 3  # a picture, not a blank rectangle


async def test_images_off_shows_only_the_alt_text(make_app: AppFactory) -> None:
    app = make_app(sample_config(images="off"), demo=True, make_fetcher=DemoFetcher)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_tiktok(pilot)
        await settle_all(pilot)
        lines = body_text(app)
        assert any(TIKTOK_ALT in line for line in lines)
        assert not any("▀" in line for line in lines)
