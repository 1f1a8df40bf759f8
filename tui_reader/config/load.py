"""Reading the config: decode, parse with `tomllib`, check, and collect every problem."""

from __future__ import annotations

import re
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import cast

from tui_reader.config.lines import _KeyLines, _LazyKeyLines
from tui_reader.config.problems import ConfigError, Problem
from tui_reader.i18n import _
from tui_reader.models import Config

EMBEDDED_FILE_NAME = "<embedded default config>"

EMBEDDED_DEFAULT_TOML: str = (
    resources.files("tui_reader").joinpath("default_config.toml").read_text(encoding="utf-8")
)
"""The starter config; `config.example.toml` at the top of the repository is the same text."""
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def load_config(path: Path | None) -> Config:
    """Read and validate the config at `path` (None: the embedded default).

    Raises `ConfigError` listing every problem, including a missing or unreadable file.
    """
    if path is None:
        return config_from_text(EMBEDDED_DEFAULT_TOML, EMBEDDED_FILE_NAME)
    file = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            [
                Problem(
                    file,
                    1,
                    "file",
                    _(
                        "file not found; create it with `tui-reader config-init` "
                        "or point --config / $TUI_READER_CONFIG at an existing file"
                    ),
                )
            ]
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        message = _("cannot read the file: {reason}").format(reason=reason)
        raise ConfigError([Problem(file, 1, "file", message)]) from None
    text, problem = _decode(data, file)
    if problem is not None:
        raise ConfigError([problem])
    return config_from_text(text, file, path)


def config_from_text(text: str, file: str, path: Path | None = None) -> Config:
    """Validate TOML `text` (named `file` in problems) into a `Config`, or raise `ConfigError`."""
    config, problems = _validate_text(text, file)
    if problems or config is None:
        raise ConfigError(problems)
    return replace(config, path=path)


def problems_for_text(text: str, file: str = "<config>") -> list[Problem]:
    """Every problem in TOML `text`, in line order; an empty list means the config is valid."""
    return _validate_text(text, file)[1]


def _decode(data: bytes, file: str) -> tuple[str, Problem | None]:
    """UTF-8 text of `data` (a leading BOM is tolerated), or a problem at the first bad byte."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return "", Problem(
            file,
            line,
            "file",
            _("not valid UTF-8 (byte {byte} at column {column}); save the file as UTF-8").format(
                byte=f"{data[exc.start]:#04x}", column=column
            ),
        )


def _validate_text(text: str, file: str) -> tuple[Config | None, list[Problem]]:
    """Parse and check `text`; the config is None whenever there is a problem."""
    # Imported here: a launch with a cached config (config_cache.py) parses nothing (issue 11).
    import tomllib

    from tui_reader.config.validate import _Checker

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = text.count("\n") + 1
        match = _TOML_POSITION.search(message)
        if match:
            line = int(match.group(1))
            message = message[: match.start()] + _(" at column {column}").format(
                column=match.group(2)
            )
        else:
            message = message.replace(" (at end of document)", _(" at the end of the file"))
        return None, [
            Problem(file, line, "syntax", _("invalid TOML: {message}").format(message=message))
        ]
    lines = cast(_KeyLines, _LazyKeyLines(text))
    checker = _Checker(file, lines)
    config = checker.check(document)
    problems = sorted(checker.problems, key=lambda problem: problem.line)
    return (None if problems else config), problems
