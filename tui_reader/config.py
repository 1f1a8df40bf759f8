"""The config file: load and validate it, write the starter file, append feeds.

Reading uses `tomllib`; every problem (file, line, dotted key, message) is collected before
`load_config` gives up with a `ConfigError`, so one `check-config` run lists them all.
Writing uses `tomlkit` so that the user's comments and layout survive `import`.

Entries of `[[feeds]]` are numbered from 1 in problem keys (`feeds[1].url` is the first
entry), like the lines they point at.
"""

from __future__ import annotations

import bisect
import contextlib
import difflib
import math
import os
import re
import tempfile
import tomllib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit, urlunsplit

from tui_reader.actions import ACTION_IDS, ACTIONS
from tui_reader.i18n import LANGUAGE_SETTINGS, _

if TYPE_CHECKING:
    from tomlkit import TOMLDocument
    from tomlkit.items import AoT, InlineTable, Item, Key, Table
from tui_reader.models import (
    Config,
    FeedConfig,
    FullArticles,
    HookConfig,
    RuleConfig,
    Settings,
    ViewConfig,
)
from tui_reader.urls import url_problem

__all__ = [
    "EMBEDDED_DEFAULT_TOML",
    "EMBEDDED_FILE_NAME",
    "FULL_ARTICLES_VALUES",
    "THEMES",
    "ConfigError",
    "Problem",
    "add_feeds",
    "add_view",
    "config_from_text",
    "key_line",
    "key_names",
    "load_config",
    "normalize_url",
    "problems_for_text",
    "remove_feed",
    "unique_name",
    "url_problem",
    "write_starter_config",
]

# Textual 8.2.8's BUILTIN_THEMES (textual/theme.py), copied as data so the core stays free of
# Textual; tests/test_config.py asserts the two sets are equal.
THEMES: frozenset[str] = frozenset(
    {
        "ansi-dark",
        "ansi-light",
        "atom-one-dark",
        "atom-one-light",
        "catppuccin-frappe",
        "catppuccin-latte",
        "catppuccin-macchiato",
        "catppuccin-mocha",
        "dracula",
        "flexoki",
        "gruvbox",
        "monokai",
        "nord",
        "rose-pine",
        "rose-pine-dawn",
        "rose-pine-moon",
        "solarized-dark",
        "solarized-light",
        "textual-dark",
        "textual-light",
        "tokyo-night",
    }
)

FULL_ARTICLES_VALUES: tuple[str, ...] = ("auto", "always", "never")
EMBEDDED_FILE_NAME = "<embedded default config>"

EMBEDDED_DEFAULT_TOML: str = (
    resources.files("tui_reader").joinpath("default_config.toml").read_text(encoding="utf-8")
)
"""The starter config; `config.example.toml` at the top of the repository is the same text."""

_TOP_LEVEL = ("settings", "feeds", "keys", "views", "rules", "hooks", "accounts")
_FEED_KEYS = ("name", "url", "tags", "full_articles", "refresh_interval")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a config file, printed as `FILE:LINE: key: message`."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{max(self.line, 1)}: {self.key}: {self.message}"


class ConfigError(Exception):
    """A config that cannot be honoured; `problems` lists every reason, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


# --------------------------------------------------------------------------- loading


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


def key_line(text: str, path: Path_) -> int:
    """The line of the key at `path` (e.g. `("accounts", 0, "password")`) in valid TOML `text`."""
    return _KeyLines(text).line(path)


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


class _LazyKeyLines:
    """Scans the text for key lines only when a problem needs one: a valid config, read at
    every start, never pays for the scan."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: _KeyLines | None = None

    def __getattr__(self, name: str) -> Any:
        if self._lines is None:
            self._lines = _KeyLines(self._text)
        return getattr(self._lines, name)


# --------------------------------------------------------------------------- validation


def normalize_url(url: str) -> str:
    """The form used to compare feed URLs: lower-case scheme and host, no trailing slash."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _has_control_chars(value: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in value)


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return _("boolean {value}").format(value=str(value).lower())
    if isinstance(value, int):
        return _("integer {value}").format(value=value)
    if isinstance(value, float):
        return _("float {value}").format(value=value)
    if isinstance(value, str):
        return _("string {value}").format(value=_quote(value))
    if isinstance(value, list):
        return _("an array")
    if isinstance(value, dict):
        return _("a table")
    return type(value).__name__.replace("datetime", "date-time")


def _quote(value: str) -> str:
    """A double-quoted, escaped rendering of `value` for one-line messages."""
    escaped = value.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    return f'"{escaped}"' if len(escaped) <= 60 else f'"{escaped[:57]}..."'


def _dotted(path: Path_) -> str:
    """`("feeds", 1, "url")` → `feeds[2].url` (entries are numbered from 1)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            name = part if _BARE_KEY.fullmatch(part) else _quote(part)
            out += f".{name}" if out else name
    return out


def _suggest(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if close:
        return _("did you mean {name}?").format(name=repr(close[0]))
    return _("expected one of: {choices}").format(choices=", ".join(choices))


# Textual key names (textual.keys): the special keys and the names of ASCII punctuation.
_SPECIAL_KEYS = frozenset(
    {
        "escape",
        "enter",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
    }
    | {f"f{number}" for number in range(1, 25)}
)
_MODIFIERS = ("ctrl", "alt", "meta", "super", "hyper", "shift")
_KEY_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def _character_to_key(character: str) -> str:
    """Textual's name for a one-character key (`?` → `question_mark`), as textual.keys does."""
    if character.isalnum():
        return character
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return character
    return _KEY_NAME_REPLACEMENTS.get(name, name)


_PUNCTUATION_NAMES = frozenset(_character_to_key(ch) for ch in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _parse_key(part: str) -> str | None:
    """The canonical form of one Textual key (`ctrl+x`, `B`, `?`), or None when invalid."""
    if len(part) == 1:
        return _character_to_key(part) if part.isprintable() and not part.isspace() else None
    *modifiers, base = part.split("+")
    if not base or any(modifier not in _MODIFIERS for modifier in modifiers):
        return None
    if len(set(modifiers)) != len(modifiers):
        return None
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            return None
        base = _character_to_key(base)
    elif base not in _SPECIAL_KEYS and base not in _PUNCTUATION_NAMES:
        return None
    ordered = [modifier for modifier in _MODIFIERS if modifier in modifiers]
    return "+".join([*ordered, base])


def key_names(keys: str) -> list[str] | None:
    """Canonical names of a comma-separated Textual key list, or None when any is invalid."""
    names: list[str] = []
    for part in keys.split(","):
        name = _parse_key(part)
        if name is None:
            return None
        if name not in names:
            names.append(name)
    return names


class _Checker:
    """Walks a parsed document, collecting problems and building the `Config` parts."""

    def __init__(self, file: str, lines: _KeyLines) -> None:
        self.file = file
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.file, self.lines.line(path), _dotted(path), message))

    def check(self, document: dict[str, Any]) -> Config:
        for key, value in document.items():
            if key not in _TOP_LEVEL:
                suggestion = _suggest(key, _TOP_LEVEL)
                if isinstance(value, dict | list):
                    self.add((key,), _("unknown table; {hint}").format(hint=suggestion))
                else:
                    self.add((key,), _("unknown key; {hint}").format(hint=suggestion))
        settings = self.check_settings(document.get("settings", {}))
        feeds = self.check_feeds(document.get("feeds", []))
        keys = self.check_keys(document.get("keys", {}))
        views, rules, hooks = check_organise(self, document)
        from tui_reader.sync.accounts import check_accounts

        accounts = check_accounts(self, document.get("accounts", []))
        return Config(
            settings=settings,
            feeds=feeds,
            keys=keys,
            views=views,
            rules=rules,
            hooks=hooks,
            accounts=accounts,
        )

    # -- [settings]

    def check_settings(self, table: object) -> Settings:
        if not isinstance(table, dict):
            self.add(
                ("settings",),
                _("must be a table ([settings]), not {value}").format(value=_type_name(table)),
            )
            return Settings()
        validators: dict[str, Callable[[Path_, object], object]] = {
            "refresh_interval": self._int_range(0, 10080, _("minutes; 0 = manual only")),
            "concurrency": self._int_range(1, 64, _("feeds at once")),
            "per_host_connections": self._int_range(1, 16, _("connections per site at once")),
            "timeout": self._timeout,
            "max_feed_bytes": self._int_range(1000, 1_000_000_000, _("bytes")),
            "full_articles": self._full_articles,
            "keep_days": self._int_range(0, 36500, _("days; 0 = never purge")),
            "theme": self._theme,
            "language": self._language,
            "images": self._images,
        }
        values: dict[str, Any] = {}
        for key, value in table.items():
            path: Path_ = ("settings", key)
            validator = validators.get(key)
            if validator is None:
                self.add(
                    path, _("unknown key; {hint}").format(hint=_suggest(key, list(validators)))
                )
                continue
            checked = validator(path, value)
            if checked is not None:
                values[key] = checked
        return Settings(**values)

    def _int_range(self, low: int, high: int, unit: str) -> Callable[[Path_, object], object]:
        def check(path: Path_, value: object) -> int | None:
            if isinstance(value, bool) or not isinstance(value, int):
                self.add(
                    path,
                    _("expected an integer ({unit}), got {value}").format(
                        unit=unit, value=_type_name(value)
                    ),
                )
                return None
            if not low <= value <= high:
                self.add(
                    path,
                    _("{value} is out of range; use {low}..{high} ({unit})").format(
                        value=value, low=low, high=high, unit=unit
                    ),
                )
                return None
            return value

        return check

    def _timeout(self, path: Path_, value: object) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(
                path, _("expected a number of seconds, got {value}").format(value=_type_name(value))
            )
            return None
        if not (math.isfinite(value) and 0 < value <= 300):
            self.add(
                path,
                _("{value} is out of range; use more than 0 and at most 300 seconds").format(
                    value=value
                ),
            )
            return None
        return float(value)

    def _full_articles(self, path: Path_, value: object) -> str | None:
        if isinstance(value, str) and value in FULL_ARTICLES_VALUES:
            return value
        shown = _type_name(value)
        self.add(path, _('expected "auto", "always" or "never", got {value}').format(value=shown))
        return None

    def _images(self, path: Path_, value: object) -> str | None:
        if isinstance(value, str) and value in ("auto", "halfcell", "off"):
            return value
        self.add(
            path,
            _('expected "auto", "halfcell" or "off", got {value}').format(value=_type_name(value)),
        )
        return None

    def _theme(self, path: Path_, value: object) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, _("expected a theme name, got {value}").format(value=_type_name(value)))
            return None
        if value not in THEMES:
            self.add(
                path,
                _("unknown theme {name}; {hint}").format(
                    name=_quote(value), hint=_suggest(value, sorted(THEMES))
                ),
            )
            return None
        return value

    def _language(self, path: Path_, value: object) -> str | None:
        if isinstance(value, str) and value in LANGUAGE_SETTINGS:
            return value
        self.add(
            path, _('expected "auto", "fr" or "en", got {value}').format(value=_type_name(value))
        )
        return None

    # -- [[feeds]]

    def check_feeds(self, feeds: object) -> tuple[FeedConfig, ...]:
        if not isinstance(feeds, list):
            self.add(
                ("feeds",),
                _("must be an array of tables ([[feeds]]), not {value}").format(
                    value=_type_name(feeds)
                ),
            )
            return ()
        result: list[FeedConfig] = []
        urls: dict[str, int] = {}
        names: dict[str, int] = {}
        for index, entry in enumerate(feeds):
            feed = self.check_feed(index, entry)
            if feed is None:
                continue
            url_key = normalize_url(feed.url)
            if url_key in urls:
                first = urls[url_key]
                self.add(
                    ("feeds", index, "url"),
                    _(
                        "duplicate URL: feeds[{number}] (line {line}) has the same feed; remove one"
                    ).format(number=first + 1, line=self.lines.line(("feeds", first, "url"))),
                )
            else:
                urls[url_key] = index
            name_key = feed.name.casefold()
            if name_key in names:
                first = names[name_key]
                self.add(
                    ("feeds", index, "name"),
                    _(
                        "duplicate name {name}: feeds[{number}] (line {line}) has it too; "
                        "rename one"
                    ).format(
                        name=_quote(feed.name),
                        number=first + 1,
                        line=self.lines.line(("feeds", first, "name")),
                    ),
                )
            else:
                names[name_key] = index
            result.append(feed)
        return tuple(result)

    def check_feed(self, index: int, entry: object) -> FeedConfig | None:
        base: Path_ = ("feeds", index)
        if not isinstance(entry, dict):
            self.add(
                base, _("each feed must be a table, not {value}").format(value=_type_name(entry))
            )
            return None
        before = len(self.problems)
        for key in entry:
            if key not in _FEED_KEYS:
                self.add(
                    (*base, key), _("unknown key; {hint}").format(hint=_suggest(key, _FEED_KEYS))
                )
        name = entry.get("name")
        if name is None:
            self.add((*base, "name"), _('missing; every feed needs a name = "..."'))
        elif not isinstance(name, str):
            self.add(
                (*base, "name"), _("expected a string, got {value}").format(value=_type_name(name))
            )
        elif not name.strip():
            self.add((*base, "name"), _("empty name; give the feed a name to show in the sidebar"))
        elif _has_control_chars(name):
            self.add((*base, "name"), _("the name contains control characters; remove them"))
        url = entry.get("url")
        if url is None:
            self.add((*base, "url"), _('missing; every feed needs a url = "https://..."'))
        elif not isinstance(url, str):
            self.add(
                (*base, "url"), _("expected a string, got {value}").format(value=_type_name(url))
            )
        else:
            reason = url_problem(url)
            if reason is not None:
                self.add((*base, "url"), f"{_quote(url)}: {reason}")
        tags = self.check_tags((*base, "tags"), entry.get("tags", []))
        full_articles = entry.get("full_articles")
        if full_articles is not None:
            full_articles = self._full_articles((*base, "full_articles"), full_articles)
        interval = entry.get("refresh_interval")
        if interval is not None:
            interval = self._int_range(0, 10080, "minutes; 0 = manual only")(
                (*base, "refresh_interval"), interval
            )
        if len(self.problems) > before:
            return None
        return FeedConfig(
            name=cast(str, name).strip(),
            url=cast(str, url).strip(),
            tags=tags,
            full_articles=cast(FullArticles | None, full_articles),
            refresh_interval=cast(int | None, interval),
        )

    def check_tags(self, path: Path_, tags: object) -> tuple[str, ...]:
        if not isinstance(tags, list):
            self.add(
                path,
                _('expected an array of strings like ["tech"], got {value}').format(
                    value=_type_name(tags)
                ),
            )
            return ()
        result: list[str] = []
        for position, tag in enumerate(tags, 1):
            if not isinstance(tag, str):
                self.add(
                    path,
                    _("tag #{position}: expected a string, got {value}").format(
                        position=position, value=_type_name(tag)
                    ),
                )
            elif not tag.strip():
                self.add(path, _("tag #{position} is empty; remove it").format(position=position))
            elif _has_control_chars(tag):
                self.add(
                    path,
                    _("tag #{position} contains control characters; remove them").format(
                        position=position
                    ),
                )
            elif tag.strip() not in result:
                result.append(tag.strip())
        return tuple(result)

    # -- [keys]

    def check_keys(self, table: object) -> dict[str, str]:
        if not isinstance(table, dict):
            self.add(
                ("keys",),
                _("must be a table ([keys]), not {value}").format(value=_type_name(table)),
            )
            return {}
        action_ids = [action.id for action in ACTIONS]
        overrides: dict[str, str] = {}
        for action_id, value in table.items():
            path: Path_ = ("keys", action_id)
            if action_id not in ACTION_IDS:
                self.add(
                    path,
                    _("unknown action; {hint}").format(hint=_suggest(action_id, action_ids)),
                )
                continue
            if not isinstance(value, str):
                self.add(
                    path,
                    _('expected a string of keys like "b" or "b,f5", got {value}').format(
                        value=_type_name(value)
                    ),
                )
                continue
            if not value:
                self.add(path, _('empty; give at least one key, like "b"'))
                continue
            if key_names(value) is None:
                bad = next(part for part in value.split(",") if _parse_key(part) is None)
                self.add(
                    path,
                    _(
                        "{key} is not a key; use Textual names separated by commas without "
                        'spaces, like "b", "B", "ctrl+x", "f5", "pagedown", "question_mark"'
                    ).format(key=_quote(bad)),
                )
                continue
            overrides[action_id] = value
        self._check_conflicts(overrides)
        return overrides

    def _check_conflicts(self, overrides: Mapping[str, str]) -> None:
        owners: dict[str, list[str]] = {}
        for action in ACTIONS:
            for name in key_names(overrides.get(action.id, action.keys)) or []:
                owners.setdefault(name, []).append(action.id)
        for name, actions in owners.items():
            if len(actions) < 2:
                continue
            overridden = [action for action in actions if action in overrides]
            blamed = max(overridden, key=lambda action: self.lines.line(("keys", action)))
            others = [action for action in actions if action != blamed]
            self.add(
                ("keys", blamed),
                _(
                    "key {key} is bound to both {action} and {others}; "
                    "give one of them another key in [keys]"
                ).format(key=_quote(name), action=blamed, others=", ".join(others)),
            )


# --------------------------------------------------------------------------- key lines


class _KeyLines:
    """Line numbers of keys and table headers, found by a small lexical scan of valid TOML.

    `tomllib` keeps no positions, so this scanner records, for each key path such as
    `("feeds", 1, "url")`, the line where it is written. Values inside arrays and inline
    tables are not indexed: a lookup falls back to the longest recorded prefix.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        self.paths: dict[Path_, int] = {}
        self.array_counts: dict[Path_, int] = {}
        self.table: Path_ = ()
        # Positions are a help, not a requirement: on a surprise, lookups fall back to line 1.
        with contextlib.suppress(IndexError, ValueError, tomllib.TOMLDecodeError):
            self._scan()

    def line(self, path: Path_) -> int:
        """The line of `path`, or of its longest recorded prefix, or 1."""
        for end in range(len(path), 0, -1):
            line = self.paths.get(path[:end])
            if line is not None:
                return line
        return 1

    def _line_at(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def _record(self, path: Path_, line: int) -> None:
        for end in range(1, len(path) + 1):
            self.paths.setdefault(path[:end], line)

    def _scan(self) -> None:
        text = self.text
        while True:
            self._skip_blank()
            if self.pos >= len(text):
                return
            start = self.pos
            line = self._line_at(start)
            if text[start] == "[":
                is_array = text.startswith("[[", start)
                self.pos += 2 if is_array else 1
                keys = self._read_key()
                self.pos += 2 if is_array else 1
                if is_array:
                    array_path = (*self._resolve(keys[:-1]), keys[-1])
                    index = self.array_counts.get(array_path, 0)
                    self.array_counts[array_path] = index + 1
                    self.table = (*array_path, index)
                else:
                    self.table = self._resolve(keys)
                self._record(self.table, line)
                self._skip_line()
            else:
                keys = self._read_key()
                self._skip_spaces()
                self.pos += 1  # "="
                self._record((*self.table, *keys), line)
                self._skip_value()

    def _resolve(self, keys: Sequence[str | int]) -> Path_:
        """Apply the current index of every array of tables met along `keys`."""
        path: Path_ = ()
        for key in keys:
            path = (*path, key)
            if path in self.array_counts:
                path = (*path, self.array_counts[path] - 1)
        return path

    def _skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def _skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    def _skip_blank(self) -> None:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t\r\n":
                self.pos += 1
            elif ch == "#":
                self._skip_line()
            else:
                return

    def _read_key(self) -> list[str]:
        text = self.text
        keys: list[str] = []
        while True:
            self._skip_spaces()
            ch = text[self.pos]
            if ch == '"':
                end = self._string_end(self.pos, '"')
                keys.append(tomllib.loads(f"k = {text[self.pos : end]}")["k"])
                self.pos = end
            elif ch == "'":
                end = text.index("'", self.pos + 1)
                keys.append(text[self.pos + 1 : end])
                self.pos = end + 1
            else:
                match = _BARE_KEY.match(text, self.pos)
                if match is None:
                    raise ValueError("not a key")
                keys.append(match.group())
                self.pos = match.end()
            self._skip_spaces()
            if self.pos < len(text) and text[self.pos] == ".":
                self.pos += 1
                continue
            return keys

    def _string_end(self, start: int, quote: str) -> int:
        """Index just after the string that opens at `start` (any of the four TOML kinds)."""
        text = self.text
        if text.startswith(quote * 3, start):
            pos = start + 3
            while True:
                if quote == '"' and text[pos] == "\\":
                    pos += 2
                    continue
                if text.startswith(quote * 3, pos):
                    pos += 3
                    while pos < len(text) and text[pos] == quote:  # up to two quotes in content
                        pos += 1
                    return pos
                pos += 1
        pos = start + 1
        while text[pos] != quote:
            pos += 2 if quote == '"' and text[pos] == "\\" else 1
        return pos + 1

    def _skip_value(self) -> None:
        text = self.text
        depth = 0
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in "\"'":
                self.pos = self._string_end(self.pos, ch)
                continue
            if ch == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
                continue
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
            elif ch == "\n" and depth == 0:
                self.pos += 1
                return
            self.pos += 1


# --------------------------------------------------------------------------- writing


def write_starter_config(path: Path) -> None:
    """Write the commented starter config to `path`, creating parent directories.

    Raises `FileExistsError` when anything exists at `path`: a config is never overwritten.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="") as handle:
        handle.write(EMBEDDED_DEFAULT_TOML)


def add_feeds(path: Path, feeds: Sequence[FeedConfig]) -> tuple[int, int]:
    """Append `feeds` as `[[feeds]]` entries to the config at `path`, keeping its comments.

    A feed whose normalized URL is already in the file (or earlier in `feeds`) is skipped;
    a name already taken gets a " (2)" suffix. Starts from the starter config when `path`
    does not exist. The file is replaced atomically, and only when something was added.
    Returns `(added, skipped_duplicates)`. Raises `ConfigError` when the existing file is
    invalid, so that a broken config is never rewritten.
    """
    file = str(path)
    if path.exists():
        text, problem = _decode(path.read_bytes(), file)
        if problem is not None:
            raise ConfigError([problem])
    else:
        text = EMBEDDED_DEFAULT_TOML
    problems = problems_for_text(text, file)
    if problems:
        raise ConfigError(problems)
    # tomlkit only where the config is written: reading it (every start) does without.
    import tomlkit
    from tomlkit.items import AoT, Array

    document = tomlkit.parse(text)
    existing = document.get("feeds")
    if existing is None:
        existing = tomlkit.aot()
        document.append("feeds", existing)
    urls = {normalize_url(str(entry["url"])) for entry in existing}
    names = {str(entry["name"]).strip().casefold() for entry in existing}
    new_entries: list[Table | InlineTable] = []
    skipped = 0
    for feed in feeds:
        url = feed.url.strip()
        if normalize_url(url) in urls:
            skipped += 1
            continue
        urls.add(normalize_url(url))
        name = unique_name(feed.name.strip() or (urlsplit(url).hostname or url), names)
        entry = tomlkit.inline_table() if isinstance(existing, Array) else tomlkit.table()
        entry["name"] = name
        entry["url"] = url
        if feed.tags:
            entry["tags"] = list(feed.tags)
        if feed.full_articles is not None:
            entry["full_articles"] = feed.full_articles
        new_entries.append(entry)
    added = len(new_entries)
    if isinstance(existing, AoT):
        _append_tables(document, existing, cast("list[Table]", new_entries))
    else:
        for entry in new_entries:
            existing.append(entry)
    if added:
        new_text = tomlkit.dumps(document)
        problems = problems_for_text(new_text, file)
        if problems:
            raise ConfigError(problems)
        _write_atomically(path, new_text)
    return added, skipped


def _append_tables(document: TOMLDocument, array: AoT, tables: list[Table]) -> None:
    """Append `tables` to `array`, one blank line apart, keeping comments where they belong.

    Comments at the end of the last entry that come after a blank line (such as the
    commented `[keys]` example of the starter file) introduce what follows, so they move
    below the new entries; a comment right under the entry's keys stays with it.
    """
    import tomlkit
    from tomlkit.items import Whitespace

    if not tables:
        return
    moved: list[tuple[Key | None, Item]] = []
    if len(array) > 0:
        body = array[-1].value.body
        trivia_start = len(body)
        while trivia_start > 0 and body[trivia_start - 1][0] is None:
            trivia_start -= 1
        for index in range(trivia_start, len(body)):
            if isinstance(body[index][1], Whitespace):
                moved = body[index:]
                del body[index:]
                break
    has_content_before = bool(document.body[:-1]) if len(array) == 0 else True
    feeds_is_last = list(document.keys())[-1] == "feeds"
    for table in tables:
        array.append(table)
        # tomlkit varies the indent of appended tables; a blank line before each is the style.
        table.trivia.indent = "\n" if has_content_before or table is not tables[0] else ""
    if moved:
        tables[-1].value.body.extend(moved)
    elif not feeds_is_last:
        tables[-1].add(tomlkit.nl())


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`… whichever is free in `taken` (casefolded names).

    The chosen name is added to `taken`.
    """
    candidate = name
    number = 2
    while candidate.casefold() in taken:
        candidate = f"{name} ({number})"
        number += 1
    taken.add(candidate.casefold())
    return candidate


def _write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` through a temporary file in the same directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- organise
# [[views]], [[rules]] and [[hooks]]: every query is checked with `query.query_problem`.

_VIEW_KEYS = ("name", "query", "notify")
_RULE_KEYS = ("query", "action")
_HOOK_KEYS = ("query", "command", "timeout")
_RULE_ACTIONS = ("hide", "read", "tag:NAME")


def check_organise(
    checker: _Checker, document: dict[str, Any]
) -> tuple[tuple[ViewConfig, ...], tuple[RuleConfig, ...], tuple[HookConfig, ...]]:
    """Validate the `[[views]]`, `[[rules]]` and `[[hooks]]` arrays of `document`."""
    views: list[ViewConfig] = []
    names: dict[str, int] = {}
    for index, entry in _entries(checker, document, "views"):
        before = len(checker.problems)
        _unknown_keys(checker, ("views", index), entry, _VIEW_KEYS)
        name = _required_text(checker, ("views", index, "name"), entry.get("name"), "name")
        query = _query(checker, ("views", index, "query"), entry.get("query"))
        notify = entry.get("notify", False)
        if not isinstance(notify, bool):
            checker.add(
                ("views", index, "notify"),
                _("expected true or false, got {value}").format(value=_type_name(notify)),
            )
        if name is not None:
            first = names.get(name.casefold())
            if first is not None:
                checker.add(
                    ("views", index, "name"),
                    _(
                        "duplicate view name {name}: views[{first}] (line {line}) has it too; "
                        "rename one"
                    ).format(
                        name=_quote(name),
                        first=first + 1,
                        line=checker.lines.line(("views", first, "name")),
                    ),
                )
            else:
                names[name.casefold()] = index
        if len(checker.problems) == before and name is not None and query is not None:
            views.append(ViewConfig(name=name, query=query, notify=bool(notify)))
    rules: list[RuleConfig] = []
    for index, entry in _entries(checker, document, "rules"):
        before = len(checker.problems)
        _unknown_keys(checker, ("rules", index), entry, _RULE_KEYS)
        query = _query(checker, ("rules", index, "query"), entry.get("query"))
        action = _rule_action(checker, ("rules", index, "action"), entry.get("action"))
        if len(checker.problems) == before and query is not None and action is not None:
            rules.append(RuleConfig(query=query, action=action))
    hooks: list[HookConfig] = []
    for index, entry in _entries(checker, document, "hooks"):
        before = len(checker.problems)
        _unknown_keys(checker, ("hooks", index), entry, _HOOK_KEYS)
        query = _query(checker, ("hooks", index, "query"), entry.get("query"))
        command = _hook_command(checker, ("hooks", index, "command"), entry.get("command"))
        timeout = entry.get("timeout", 30)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            checker.add(
                ("hooks", index, "timeout"),
                _("expected a number of seconds, got {value}").format(value=_type_name(timeout)),
            )
        elif not (math.isfinite(timeout) and 0 < timeout <= 3600):
            checker.add(
                ("hooks", index, "timeout"),
                _("{value} is out of range; use more than 0 and at most 3600 seconds").format(
                    value=timeout
                ),
            )
        if len(checker.problems) == before and query is not None and command is not None:
            hooks.append(HookConfig(query=query, command=command, timeout=float(timeout)))
    return tuple(views), tuple(rules), tuple(hooks)


def _entries(
    checker: _Checker, document: dict[str, Any], key: str
) -> list[tuple[int, dict[str, Any]]]:
    """The tables of the array `key`, with their index; other shapes are reported."""
    value = document.get(key, [])
    if not isinstance(value, list):
        checker.add(
            (key,),
            _("must be an array of tables ([[{key}]]), not {value}").format(
                key=key, value=_type_name(value)
            ),
        )
        return []
    out: list[tuple[int, dict[str, Any]]] = []
    for index, entry in enumerate(value):
        if isinstance(entry, dict):
            out.append((index, entry))
        else:
            checker.add(
                (key, index),
                _("each entry must be a table, not {value}").format(value=_type_name(entry)),
            )
    return out


def _unknown_keys(
    checker: _Checker, base: Path_, entry: dict[str, Any], known: Sequence[str]
) -> None:
    for key in entry:
        if key not in known:
            checker.add((*base, key), _("unknown key; {hint}").format(hint=_suggest(key, known)))


def _required_text(checker: _Checker, path: Path_, value: object, what: str) -> str | None:
    if value is None:
        checker.add(path, _('missing; write {what} = "..."').format(what=what))
    elif not isinstance(value, str):
        checker.add(path, _("expected a string, got {value}").format(value=_type_name(value)))
    elif not value.strip():
        checker.add(path, _("empty; write a {what}").format(what=what))
    elif _has_control_chars(value):
        checker.add(path, _("contains control characters; remove them"))
    else:
        return value.strip()
    return None


def _query(checker: _Checker, path: Path_, value: object) -> str | None:
    from tui_reader.query import query_problem

    if value is None:
        checker.add(path, _('missing; write query = "+tag words" (the search language)'))
        return None
    if not isinstance(value, str):
        checker.add(path, _("expected a string, got {value}").format(value=_type_name(value)))
        return None
    problem = query_problem(value)
    if problem is not None:
        checker.add(path, _("{query}: {problem}").format(query=_quote(value), problem=problem))
        return None
    return value.strip()


def _rule_action(checker: _Checker, path: Path_, value: object) -> str | None:
    expected = _('expected "hide", "read" or "tag:NAME"')
    if value is None:
        checker.add(path, _("missing; {expected}").format(expected=expected))
    elif not isinstance(value, str):
        checker.add(
            path, _("{expected}, got {value}").format(expected=expected, value=_type_name(value))
        )
    elif value in ("hide", "read"):
        return value
    elif value.startswith("tag:"):
        tag = value[4:].strip()
        if not tag or _has_control_chars(tag) or any(ch.isspace() for ch in tag):
            checker.add(
                path,
                _("{value}: the tag after tag: must be one word, like tag:promo").format(
                    value=_quote(value)
                ),
            )
        else:
            return f"tag:{tag}"
    else:
        hint = _suggest(value, _RULE_ACTIONS)
        checker.add(
            path, _("unknown action {value}; {hint}").format(value=_quote(value), hint=hint)
        )
    return None


def _hook_command(checker: _Checker, path: Path_, value: object) -> tuple[str, ...] | None:
    example = _('write it as a list, like ["notify-send", "tui-reader"] or ["sh", "-c", "..."]')
    if value is None:
        checker.add(path, _("missing; {example}").format(example=example))
        return None
    if not isinstance(value, list) or not value:
        checker.add(
            path,
            _("expected a non-empty array of strings, got {value}; {example}").format(
                value=_type_name(value), example=example
            ),
        )
        return None
    for position, part in enumerate(value, 1):
        if not isinstance(part, str) or (position == 1 and not part.strip()):
            checker.add(
                path,
                _("argument #{n}: expected a non-empty string, got {value}").format(
                    n=position, value=_type_name(part)
                ),
            )
            return None
        if "\x00" in part:
            checker.add(path, _("argument #{n} contains a NUL character").format(n=position))
            return None
    return tuple(value)


def remove_feed(path: Path, name: str) -> FeedConfig:
    """Remove the `[[feeds]]` entry called `name` (case-insensitive) from the config at `path`.

    Comments and layout elsewhere are kept; comments that introduce what follows the removed
    entry stay in place. Returns the removed feed. Raises `KeyError` when no feed has that
    name and `ConfigError` when the file is invalid (a broken config is never rewritten).
    """
    import tomlkit
    from tomlkit.items import AoT, Whitespace

    file = str(path)
    text, problem = _decode(path.read_bytes(), file)
    if problem is not None:
        raise ConfigError([problem])
    config = config_from_text(text, file, path)
    wanted = name.strip().casefold()
    matches = [index for index, feed in enumerate(config.feeds) if feed.name.casefold() == wanted]
    if not matches:
        raise KeyError(name)
    index = matches[0]
    document = tomlkit.parse(text)
    array = document["feeds"]
    if isinstance(array, AoT):
        tables = array.body
        moved = _trailing_block(tables[index]) if index == len(tables) - 1 else []
        del array[index]
        if moved and len(array) > 0:
            target = array[-1].value.body
            # The blank line that separated the removed entry is already in `moved`.
            while target and target[-1][0] is None and isinstance(target[-1][1], Whitespace):
                target.pop()
            target.extend(moved)
        else:
            for _key, item in moved:
                document.append(None, item)
    else:
        del array[index]
    new_text = tomlkit.dumps(document)
    problems = problems_for_text(new_text, file)
    if problems:
        raise ConfigError(problems)
    _write_atomically(path, new_text)
    return config.feeds[index]


def _trailing_block(table: Table) -> list[tuple[Key | None, Item]]:
    """The comments at the end of `table` that come after a blank line (they introduce what
    follows the table, not the table itself)."""
    from tomlkit.items import Whitespace

    body = table.value.body
    start = len(body)
    while start > 0 and body[start - 1][0] is None:
        start -= 1
    for index in range(start, len(body)):
        if isinstance(body[index][1], Whitespace):
            return list(body[index:])
    return []


def add_view(path: Path, name: str, query: str) -> ViewConfig:
    """Append a `[[views]]` entry to the config at `path` (comments kept).

    Raises `ValueError` (one line) when the name is taken or the query is not valid, and
    `ConfigError` when the file itself is invalid.
    """
    import tomlkit

    from tui_reader.query import query_problem

    file = str(path)
    if path.exists():
        text, problem = _decode(path.read_bytes(), file)
        if problem is not None:
            raise ConfigError([problem])
    else:
        text = EMBEDDED_DEFAULT_TOML
    config = config_from_text(text, file, path)
    name = name.strip()
    if not name or _has_control_chars(name):
        raise ValueError(_("a view needs a name without control characters"))
    if any(view.name.casefold() == name.casefold() for view in config.views):
        raise ValueError(_("a view named {name} already exists").format(name=_quote(name)))
    problem_text = query_problem(query)
    if problem_text is not None:
        raise ValueError(problem_text)
    document = tomlkit.parse(text)
    table = tomlkit.table()
    table["name"] = name
    table["query"] = query.strip()
    existing = document.get("views")
    if existing is None:
        views = tomlkit.aot()
        views.append(table)
        if not text.endswith("\n\n"):
            document.add(tomlkit.nl())
        document.append("views", views)
    else:
        table.trivia.indent = "\n"
        existing.append(table)
    new_text = tomlkit.dumps(document)
    problems = problems_for_text(new_text, file)
    if problems:
        raise ConfigError(problems)
    _write_atomically(path, new_text)
    return ViewConfig(name=name, query=query.strip())
