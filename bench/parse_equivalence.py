"""Check that the lxml fast path (tui_reader/fastfeed.py) reads feeds exactly like feedparser.

    .venv/bin/python bench/parse_equivalence.py [FILE_OR_DIR ...]

Parses every feed file given (default: the benchmark corpus, tests/data and the demo feeds)
twice, with and without the fast path, and reports any difference in the resulting entries.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui_reader import parse  # noqa: E402


def files(args: list[str]) -> list[Path]:
    roots = [Path(a) for a in args] or [
        *sorted((ROOT / "bench" / "out").glob("corpus-*")),
        ROOT / "tests" / "data",
        ROOT / "tui_reader" / "demo",
    ]
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
        elif root.is_dir():
            found += sorted(
                p for p in root.rglob("*") if p.is_file() and p.suffix in (".xml", ".atom", ".rss")
            )
    return found


def main() -> int:
    paths = files(sys.argv[1:])
    fast_used = differ = 0
    t_fast = t_slow = 0.0
    for path in paths:
        body = path.read_bytes()
        kwargs = {"url": "https://example.org/feed", "fetched_at": "2026-11-28T12:00:00+00:00"}
        data, _ = parse._prepare_xml(body, "")
        used = parse.read_simple_feed(data) is not None
        fast_used += used
        start = time.perf_counter()
        try:
            fast = parse.parse_feed(body, **kwargs)
        except parse.ParseError as e:
            fast = ("error", str(e))
        t_fast += time.perf_counter() - start
        start = time.perf_counter()
        with mock.patch.object(parse, "read_simple_feed", lambda data: None):
            try:
                slow = parse.parse_feed(body, **kwargs)
            except parse.ParseError as e:
                slow = ("error", str(e))
        t_slow += time.perf_counter() - start
        if fast != slow:
            differ += 1
            print(f"DIFFERENT: {path}")
            if not isinstance(fast, tuple) and not isinstance(slow, tuple):
                if fast.title != slow.title or fast.link != slow.link:
                    print(f"  feed: {fast.title!r} {fast.link!r} vs {slow.title!r} {slow.link!r}")
                for a, b in zip(fast.entries, slow.entries, strict=False):
                    if a != b:
                        for field in a.__dataclass_fields__:
                            if getattr(a, field) != getattr(b, field):
                                left, right = getattr(a, field), getattr(b, field)
                                print(f"  {field}: {left!r:.120} vs {right!r:.120}")
                        break
                if len(fast.entries) != len(slow.entries):
                    print(f"  {len(fast.entries)} vs {len(slow.entries)} entries")
            else:
                print(f"  {fast!r:.200} vs {slow!r:.200}")
    print(
        f"{len(paths)} files, fast path used for {fast_used}, {differ} different; "
        f"parse_feed {t_fast:.2f} s with the fast path, {t_slow:.2f} s without"
    )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
