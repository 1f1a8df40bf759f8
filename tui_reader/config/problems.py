"""Problems (`FILE:LINE: key: message`) and the small helpers every check uses to word them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from tui_reader.i18n import _

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

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


def normalize_url(url: str) -> str:
    """The form used to compare feed URLs: lower-case scheme and host, no trailing slash."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc, exactly


def _has_control_chars(value: str) -> bool:
    return _CONTROL_RE.search(value) is not None


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
    import difflib  # only for a config with a mistake: not on every launch

    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if close:
        return _("did you mean {name}?").format(name=repr(close[0]))
    return _("expected one of: {choices}").format(choices=", ".join(choices))
