"""The reader's launch reads its few options without building the whole command line.

`tui-reader` with global options only (`--config`, `--data-dir`, `--demo`, `--debug`) starts
the reader; building argparse's parser with every subcommand and its translated help took
6-8 ms of that start (issue 11). `reader_launch_args` recognises exactly those options,
written out in full, and gives the namespace the parser would; for anything else (a
subcommand, help, version, an abbreviation, `--`, a value that looks like an option, any
mistake) it gives None and `cli.main` builds the parser as before, so every message, error
and exit status stays argparse's.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["reader_launch_args"]

_VALUES = {"--config": "config", "--data-dir": "data_dir"}
_FLAGS = {"--demo": "demo", "--debug": "debug"}


def reader_launch_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """`build_parser().parse_args(argv)` when `argv` only launches the reader, else None."""
    found: dict[str, str | bool | None] = {
        "config": None,
        "data_dir": None,
        "demo": False,
        "debug": False,
    }
    index = 0
    while index < len(argv):
        arg = argv[index]
        name, equals, value = arg.partition("=")
        if arg in _FLAGS:
            found[_FLAGS[arg]] = True
        elif arg in _VALUES:
            if index + 1 == len(argv) or argv[index + 1].startswith("-"):
                return None
            index += 1
            found[_VALUES[arg]] = argv[index]
        elif equals and name in _VALUES:
            found[_VALUES[name]] = value
        else:
            return None
        index += 1
    return argparse.Namespace(**found, command=None)
