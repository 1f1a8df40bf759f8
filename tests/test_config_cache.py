"""The reader's launch reuses the config validated last time while the file is unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui_reader.config import ConfigError, load_config
from tui_reader.config_cache import CACHE_NAME, launch_config

ROOT = Path(__file__).resolve().parent.parent

CONFIG = """\
[settings]
refresh_interval = 0
theme = "nord"
full_articles = "never"

[keys]
next_item = "ctrl+n"

[[feeds]]
name = "Un"
url = "https://example.org/un.xml"
tags = ["tech", "fr"]
refresh_interval = 15

[[feeds]]
name = "Deux"
url = "https://example.org/deux.xml"
full_articles = "always"

[[views]]
name = "Sécurité"
query = "sécurité +tech"
notify = true

[[rules]]
query = "+ads"
action = "hide"

[[hooks]]
query = "+tech"
command = ["cat"]
timeout = 5.0
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    return config, data


def launch_in_subprocess(config: Path, data: Path) -> dict[str, object]:
    """`launch_config` in a fresh interpreter: what it returned and whether it parsed TOML."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from tui_reader.config_cache import launch_config\n"
        "config = launch_config(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "print(json.dumps({'feeds': [f.name for f in config.feeds],\n"
        "                  'parsed': 'tomllib' in sys.modules,\n"
        "                  'checked': 'tui_reader.config.validate' in sys.modules}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(config), str(data)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_the_cached_config_equals_the_parsed_one(files: tuple[Path, Path]) -> None:
    config, data = files
    first = launch_config(config, data)
    assert (data / CACHE_NAME).is_file()
    second = launch_config(config, data)
    assert first == second == load_config(config)
    assert second.path == config
    assert second.settings.theme == "nord"
    assert second.feeds[0].tags == ("tech", "fr")
    assert second.hooks[0].command == ("cat",)
    assert second.views[0].name == "Sécurité"
    assert dict(second.keys) == {"next_item": "ctrl+n"}


def test_a_second_launch_neither_parses_nor_checks(files: tuple[Path, Path]) -> None:
    config, data = files
    first = launch_in_subprocess(config, data)
    assert first == {"feeds": ["Un", "Deux"], "parsed": True, "checked": True}
    second = launch_in_subprocess(config, data)
    assert second == {"feeds": ["Un", "Deux"], "parsed": False, "checked": False}


def test_an_edited_config_is_read_again(files: tuple[Path, Path]) -> None:
    config, data = files
    launch_config(config, data)
    stat = config.stat()
    with config.open("a", encoding="utf-8") as file:
        file.write('\n[[feeds]]\nname = "Trois"\nurl = "https://example.org/trois.xml"\n')
    # Even with the old modification time put back, the size and change time differ.
    os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert [feed.name for feed in launch_config(config, data).feeds] == ["Un", "Deux", "Trois"]
    assert [feed.name for feed in launch_config(config, data).feeds] == ["Un", "Deux", "Trois"]


def test_an_invalid_config_is_reported_even_after_a_valid_one(files: tuple[Path, Path]) -> None:
    config, data = files
    launch_config(config, data)
    config.write_text(CONFIG.replace('theme = "nord"', 'theme = "nope"'), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        launch_config(config, data)
    assert any(problem.key == "settings.theme" for problem in raised.value.problems)


@pytest.mark.parametrize("damage", [b"", b"not marshal", b"\xe9\x01\x02", None])
def test_a_damaged_cache_is_ignored_and_replaced(
    files: tuple[Path, Path], damage: bytes | None
) -> None:
    config, data = files
    expected = launch_config(config, data)
    cache = data / CACHE_NAME
    if damage is None:  # well-formed marshal data of the wrong shape: a foreign file
        import marshal

        damage = marshal.dumps(("key", ["Config", {"feeds": [1, 2]}]))
    cache.write_bytes(damage)
    assert launch_config(config, data) == expected
    assert cache.read_bytes() != damage
    assert launch_config(config, data) == expected


def test_a_missing_file_is_reported_as_before(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        launch_config(tmp_path / "absent.toml", tmp_path)
    assert "file not found" in str(raised.value.problems[0])
    assert not (tmp_path / CACHE_NAME).exists()


def test_no_cache_without_a_data_dir_or_with_accounts(files: tuple[Path, Path]) -> None:
    config, data = files
    absent = data / "not-yet"
    assert launch_config(config, absent) == load_config(config)
    assert not absent.exists()
    config.write_text(
        CONFIG + '\n[[accounts]]\nname = "srv"\nkind = "fever"\nurl = "https://example.org/"\n'
        'username = "me"\npassword = "secret"\n',
        encoding="utf-8",
    )
    assert launch_config(config, data).accounts[0].name == "srv"
    assert not (data / CACHE_NAME).exists()


def test_the_command_line_launch_skips_the_parser_and_the_checks(
    files: tuple[Path, Path],
) -> None:
    """What the `tui-reader` launch imports before the UI: no TOML parser, no config checks,
    once the cache holds the config (they load on first use)."""
    config, data = files
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from tui_reader import cli\n"
        "from tui_reader.cli_lang import choose_language\n"
        "choose_language(['--config', sys.argv[1]])\n"
        "config = cli.reader_config(Path(sys.argv[1]), sys.argv[2])\n"
        "print(json.dumps({'feeds': len(config.feeds), 'loaded': sorted(m for m in (\n"
        "    'tomllib', 'tui_reader.config.validate', 'tui_reader.config.schema',\n"
        "    'tui_reader.config.fields') if m in sys.modules)}))\n"
    )
    runs = launch_twice(code, config, data)
    assert runs[0]["feeds"] == runs[1]["feeds"] == 2
    assert "tomllib" in runs[0]["loaded"]  # the first launch parsed and checked
    assert runs[1]["loaded"] == []


def launch_twice(code: str, config: Path, data: Path) -> list[dict[str, object]]:
    """Run `code` (it prints JSON) in two fresh interpreters, as two launches one after the
    other; `sys.argv[1:]` are the config and the data dir."""
    command = [sys.executable, "-c", code, str(config), str(data)]
    return [
        json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
        for _ in range(2)
    ]


def test_the_language_comes_from_the_cache_too(files: tuple[Path, Path]) -> None:
    """The starter config sets `language`: choosing it before the parser read the TOML at
    every launch; with the config cached, neither that nor the config is parsed."""
    config, data = files
    config.write_text(
        CONFIG.replace("[settings]\n", '[settings]\nlanguage = "fr"\n'), encoding="utf-8"
    )
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from tui_reader import cli\n"
        "from tui_reader.cli_lang import choose_language\n"
        "from tui_reader.i18n import current_language\n"
        "choose_language(['--config', sys.argv[1], '--data-dir', sys.argv[2]])\n"
        "language = current_language()\n"
        "config = cli.reader_config(Path(sys.argv[1]), sys.argv[2])\n"
        "print(json.dumps({'language': language, 'parsed': 'tomllib' in sys.modules}))\n"
    )
    runs = launch_twice(code, config, data)
    assert runs == [{"language": "fr", "parsed": True}, {"language": "fr", "parsed": False}]
    config.write_text(
        CONFIG.replace("[settings]\n", '[settings]\nlanguage = "en"\n'), encoding="utf-8"
    )
    assert launch_twice(code, config, data) == [
        {"language": "en", "parsed": True},  # the file changed: read again
        {"language": "en", "parsed": False},
    ]


def test_the_config_keeps_the_name_it_was_given(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same file named from another directory is a hit, under the name given now."""
    config, data = files
    monkeypatch.chdir(config.parent.parent)
    first = Path(config.parent.name) / config.name
    assert launch_config(first, data).path == first
    monkeypatch.chdir(config.parent)
    second = Path(config.name)
    cached = launch_config(second, data)
    assert cached.path == second
    assert cached == load_config(second)


def test_another_version_of_the_reader_reads_the_file_again(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key holds the package's version (and its modules' stat): an upgrade never takes
    a config checked by older code."""
    import tui_reader.config_cache as config_cache

    config, data = files
    launch_config(config, data)
    before = (data / CACHE_NAME).read_bytes()
    assert config_cache.cached_config(config, data) is not None
    monkeypatch.setattr(config_cache, "__version__", "99.0")
    monkeypatch.setattr(config_cache, "_last", None)
    assert config_cache.cached_config(config, data) is None
    assert launch_config(config, data) == load_config(config)
    assert (data / CACHE_NAME).read_bytes() != before
