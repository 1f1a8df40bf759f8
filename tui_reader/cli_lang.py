"""The command line in the user's language: chosen before the parser is built.

`--help` texts are written when the parser is built, so the language must be known first:
from `--config`'s (or `$TUI_READER_CONFIG`'s, or the platform file's) `language` when it can
be read cheaply, else from LC_ALL / LC_MESSAGES / LANG. A config that cannot be read here is
not an error: loading it later reports its problems properly.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from tui_reader.config_cache import cached_config
from tui_reader.i18n import LANGUAGE_SETTINGS, N_, _, set_language
from tui_reader.paths import resolve_config_path, resolve_data_dir

ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
)
"""argparse's own headings, translated by `TranslatedHelpFormatter`."""


def option_value(argv: Sequence[str], option: str) -> str | None:
    """The value of `OPTION VALUE` / `OPTION=VALUE` in `argv`, if any."""
    for index, arg in enumerate(argv):
        if arg == option and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
    return None


def config_flag(argv: Sequence[str]) -> str | None:
    """The value of `--config PATH` / `--config=PATH` in `argv`, if any."""
    return option_value(argv, "--config")


def data_dir_for(flag: str | None) -> Path:
    """The data directory: `--data-dir` as given, else the environment's or the platform's
    (the one rule `cli.run`, the config cache and the language all follow)."""
    return Path(flag) if flag else resolve_data_dir(None)


def launch_data_dir(argv: Sequence[str]) -> Path:
    """The data directory `argv` names (`--data-dir DIR` / `--data-dir=DIR`), see `data_dir_for`."""
    return data_dir_for(option_value(argv, "--data-dir"))


def configured_language(argv: Sequence[str]) -> str:
    """The config's `language` setting ("auto" when absent or unreadable)."""
    if "--demo" in argv and config_flag(argv) is None:
        return "auto"
    try:
        path = resolve_config_path(config_flag(argv))
        if path is None:
            return "auto"
        text = path.read_text(encoding="utf-8-sig")
        if "language" not in text:  # not set: no need to parse it all twice (200 feeds: ~30 ms)
            return "auto"
        cached = cached_config(path, launch_data_dir(argv))
        if cached is not None:  # the config validated at the last launch (issue 11)
            return cached.settings.language
        import tomllib  # only then (issue 11)

        settings = tomllib.loads(text).get("settings", {})
    except (OSError, ValueError):
        return "auto"
    value = settings.get("language", "auto") if isinstance(settings, dict) else "auto"
    return value if value in LANGUAGE_SETTINGS else "auto"


def choose_language(argv: Sequence[str]) -> str:
    """Set the interface language for this run, before any parser or UI module exists."""
    return set_language(configured_language(argv))


class TranslatedHelpFormatter(argparse.HelpFormatter):
    """argparse's headings ("usage:", "options", ...) through our catalogue."""

    def start_section(self, heading: str | None) -> None:
        super().start_section(_(heading) if heading else heading)

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[Any],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


def add_help_option(parser: argparse.ArgumentParser) -> None:
    """`-h/--help` with a translated description (parsers are built with `add_help=False`)."""
    parser.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))


ARGPARSE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"the following arguments are required: (?P<names>.+)"),
        N_("the following arguments are required: {names}"),
    ),
    (re.compile(r"unrecognized arguments: (?P<args>.+)"), N_("unrecognized arguments: {args}")),
    (
        re.compile(
            r"argument (?P<name>[^:]+): invalid choice: (?P<value>.+) "
            r"\(choose from (?P<choices>.+)\)"
        ),
        N_("argument {name}: invalid choice: {value} (choose from {choices})"),
    ),
    (
        re.compile(r"argument (?P<name>[^:]+): expected one argument"),
        N_("argument {name}: expected one argument"),
    ),
    (
        re.compile(r"argument (?P<name>[^:]+): not allowed with argument (?P<other>.+)"),
        N_("argument {name}: not allowed with argument {other}"),
    ),
    (re.compile(r"argument (?P<name>[^:]+): (?P<message>.+)"), N_("argument {name}: {message}")),
)
"""argparse's usage errors, matched on their English text and said in the user's language
(one that matches none stays as argparse wrote it)."""


def translate_usage_error(message: str) -> str:
    """`message` from argparse in the user's language."""
    for pattern, msgid in ARGPARSE_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            return _(msgid).format(**match.groupdict())
    return message


class TranslatedArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are translated (`error` is argparse's documented
    hook for this); exits 2 like argparse."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = _("{prog}: error: {message}").format(
            prog=self.prog, message=translate_usage_error(message)
        )
        self.exit(2, text + "\n")
