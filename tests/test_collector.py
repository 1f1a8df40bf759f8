"""The garbage collector paused while the script starts the reader (`tui_reader.collector`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_reader import collector
from tui_reader.cli import console_main, main


@pytest.fixture(autouse=True)
def collector_enabled_after() -> Iterator[None]:
    yield
    collector.resume()
    gc.enable()


def test_pause_stops_collections_and_resume_restarts_them() -> None:
    collector.pause()
    assert not gc.isenabled()
    assert collector.paused()
    collector.resume()
    assert gc.isenabled()
    assert not collector.paused()
    collector.resume()  # a second resume changes nothing
    assert gc.isenabled()


def test_resume_leaves_alone_a_collector_that_someone_else_disabled() -> None:
    gc.disable()
    collector.pause()
    assert not collector.paused()
    collector.resume()
    assert not gc.isenabled()


def test_a_headless_command_runs_with_the_collector(tmp_path: Path) -> None:
    """Only the reader's start runs paused: any other command resumes it first."""
    config = tmp_path / "config.toml"
    config.write_text('[[feeds]]\nname = "Un"\nurl = "https://example.org/feed.xml"\n')
    collector.pause()
    assert main(["--config", str(config), "--data-dir", str(tmp_path), "headlines"]) == 0
    assert gc.isenabled()
    assert not collector.paused()


def test_the_script_gives_the_collector_back_when_it_ends(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--version` ends in the argument parser, before any command: the script's own
    `finally` resumes the collector all the same."""
    monkeypatch.setattr("sys.argv", ["tui-reader", "--version"])
    try:
        with pytest.raises(SystemExit):
            console_main()
        assert "tui-reader" in capsys.readouterr().out
        assert gc.isenabled()
        assert not collector.paused()
    finally:
        gc.unfreeze()
