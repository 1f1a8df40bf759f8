"""Pictures in the reading pane: what decoding, scaling and drawing one costs (worker time).

    .venv/bin/python bench/pictures.py [--repeats 20]

Measures, median of --repeats, each in the thread the reader runs it in (never the event loop):
  decode photo    `images.decode_image` of a 1920×1080 JPEG photo-like picture (header check,
                  draft decoding, downscale to 640 px)
  decode demo     the same for the demo's 320×180 PNG
  half cells      `images.halfcell_rows` of the decoded photo at 72×12 cells
  render story    `render_article` of the demo's TikTok story with its picture, 88 columns
  cache get       `ImageCache.get` of the decoded photo from the disk cache
Writes bench/out/pictures.md and prints it.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from tui_reader.demo import demo_feed_bytes, demo_feed_url, demo_image
from tui_reader.images import ImageCache, ImageResult, decode_image, find_images, halfcell_rows
from tui_reader.parse import parse_feed
from tui_reader.ui.widgets.reader_pane import render_article

OUT = Path(__file__).resolve().parent / "out"


def photo_jpeg() -> bytes:
    """A 1920×1080 JPEG with gradients and shapes (compresses like a photo, ~150-300 KB)."""
    picture = Image.effect_mandelbrot((1920, 1080), (-2.2, -1.2, 1.0, 1.2), 60).convert("RGB")
    draw = ImageDraw.Draw(picture)
    for i in range(40):
        draw.ellipse(
            [i * 45, i * 20, i * 45 + 300, i * 20 + 200], outline=(i * 6, 120, 200), width=5
        )
    picture = picture.filter(ImageFilter.GaussianBlur(1))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    return out.getvalue()


def median_ms(repeats: int, run) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    photo = photo_jpeg()
    demo_bytes, demo_type = demo_image("https://demo.tui-reader.invalid/images/tiktok.png") or (
        b"",
        "",
    )
    decoded = decode_image(photo, "image/jpeg")
    parsed = parse_feed(demo_feed_bytes("numerama.xml"), url=demo_feed_url("numerama.xml"))
    story = next(entry for entry in parsed.entries if "TikTok" in entry.title).body
    (ref,) = find_images(story)
    pictures = {ref.url: ImageResult(ref.url, decode_image(demo_bytes, demo_type))}
    with tempfile.TemporaryDirectory() as directory:
        cache = ImageCache(Path(directory))
        cache.put("https://photo.example/a.jpg", decoded)
        rows = [
            (f"decode photo (1920×1080 JPEG, {len(photo) // 1000} KB)",
             median_ms(args.repeats, lambda: decode_image(photo, "image/jpeg"))),
            (f"decode demo (320×180 PNG, {len(demo_bytes) // 1000} KB)",
             median_ms(args.repeats, lambda: decode_image(demo_bytes, demo_type))),
            ("half cells (72×12)", median_ms(args.repeats, lambda: halfcell_rows(decoded, 72, 12))),
            ("render story with picture (88 cols)",
             median_ms(args.repeats, lambda: render_article(story, 88, pictures))),
            ("cache get (640 px PNG)",
             median_ms(args.repeats, lambda: cache.get("https://photo.example/a.jpg"))),
        ]  # fmt: skip
    lines = ["# Pictures", "", "| step | median ms |", "|---|---:|"]
    lines += [f"| {name} | {ms:.1f} |" for name, ms in rows]
    text = "\n".join(lines) + "\n"
    OUT.mkdir(exist_ok=True)
    (OUT / "pictures.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
