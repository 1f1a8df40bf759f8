"""Write the schema-made parts of the starter config again (`[settings]`, each table's key docs).

    python tools/config_example.py          # rewrite both files from tui_reader/config/schema.py
    python tools/config_example.py --check  # exit 1 when a file differs from the schema

The two files are `tui_reader/default_config.toml` (embedded in the program) and
`config.example.toml` (the same text, at the top of the repository).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tui_reader.config.schema import regenerate

ROOT = Path(__file__).resolve().parent.parent
FILES = (ROOT / "tui_reader" / "default_config.toml", ROOT / "config.example.toml")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = 0
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        new = regenerate(text)
        if new == text:
            continue
        stale += 1
        if check:
            print(f"{path}: differs from the schema; run python tools/config_example.py")
        else:
            path.write_text(new, encoding="utf-8", newline="")
            print(f"{path}: written")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
