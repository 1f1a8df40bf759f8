"""The reader's launch skips building the parser (`tui_reader.cli_launch`), with the very
namespace argparse would give; anything else still goes through argparse."""

from __future__ import annotations

import pytest

from tui_reader.cli import build_parser
from tui_reader.cli_launch import reader_launch_args

LAUNCHES = [
    [],
    ["--demo"],
    ["--debug"],
    ["--config", "reader.toml"],
    ["--config=reader.toml", "--data-dir", "/tmp/data"],
    ["--data-dir=/tmp/data", "--demo", "--debug"],
    ["--config", "a.toml", "--config", "b.toml"],  # the last one wins, as in argparse
    ["--config=", "--demo"],
    ["--config", ""],
    ["--config=x=y.toml"],
    ["--demo", "--demo"],
]

NOT_LAUNCHES = [
    ["refresh"],
    ["--config", "a.toml", "headlines", "--json"],
    ["-h"],
    ["--help"],
    ["--version"],
    ["--conf", "a.toml"],  # an abbreviation: argparse's to resolve
    ["--config"],  # a value missing: argparse's error
    ["--config", "--demo"],
    ["--config", "-"],
    ["--demo=1"],
    ["--", "--demo"],
    ["--unknown"],
    ["reader.toml"],
]


@pytest.mark.parametrize("argv", LAUNCHES)
def test_a_launch_gets_the_namespace_argparse_gives(argv: list[str]) -> None:
    args = reader_launch_args(argv)
    assert args is not None
    assert vars(args) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", NOT_LAUNCHES)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert reader_launch_args(argv) is None
