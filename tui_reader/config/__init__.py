"""The config file: load and validate it, write the starter file, append feeds.

One room a concern:
- `schema.py`: every key of every table (type, default or required, range or choices, doc),
  declared once; the starter config's `[settings]` block and the comment that documents each
  other table's keys are generated from it.
- `fields.py`: the check of each kind of key (reading the declaration's range and choices),
  `check_entry` for a whole entry, and each table's wording of its problems.
- `load.py`: read, decode, parse with `tomllib`, collect every problem (`FILE:LINE: key: msg`).
- `validate.py`: the checks of `[settings]`, `[[feeds]]`, `[keys]`; `organise.py`: `[[views]]`,
  `[[rules]]`, `[[hooks]]` (`[[accounts]]` is checked in `tui_reader.sync.accounts`), each
  through `fields.check_entry`, plus what involves several entries (duplicates, key clashes).
- `problems.py`: `Problem`, `ConfigError` and the helpers that word a problem.
- `lines.py`: line numbers of keys (a small scan: neither tomllib nor tomlkit gives positions).
- `keys.py`: Textual key names in `[keys]`.
- `write.py`: tomlkit edits that keep the user's comments (`add_feeds`, `remove_feed`, ...).

Entries of `[[feeds]]` are numbered from 1 in problem keys (`feeds[1].url` is the first
entry), like the lines they point at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui_reader.config.keys import _parse_key, key_names
from tui_reader.config.lines import _KeyLines, key_line
from tui_reader.config.load import (
    EMBEDDED_DEFAULT_TOML,
    EMBEDDED_FILE_NAME,
    config_from_text,
    load_config,
    problems_for_text,
)
from tui_reader.config.problems import (
    ConfigError,
    Problem,
    _dotted,
    _has_control_chars,
    _quote,
    _suggest,
    _type_name,
    normalize_url,
)
from tui_reader.config.write import (
    add_feeds,
    add_view,
    remove_feed,
    unique_name,
    write_starter_config,
)
from tui_reader.urls import url_problem

if TYPE_CHECKING:
    from tui_reader.config.schema import FULL_ARTICLES_VALUES
    from tui_reader.config.schema import theme_names as theme_names
    from tui_reader.config.validate import _Checker

__all__ = [
    "EMBEDDED_DEFAULT_TOML",
    "EMBEDDED_FILE_NAME",
    "FULL_ARTICLES_VALUES",
    "THEMES",
    "ConfigError",
    "Problem",
    "_Checker",
    "_KeyLines",
    "_dotted",
    "_has_control_chars",
    "_parse_key",
    "_quote",
    "_suggest",
    "_type_name",
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


_LAZY = {
    "FULL_ARTICLES_VALUES": "tui_reader.config.schema",
    "theme_names": "tui_reader.config.schema",
    "_Checker": "tui_reader.config.validate",
}
"""Names whose modules load on first use: the schema and the checks are not needed by a
launch whose config comes from the cache (`tui_reader.config_cache`, issue 11)."""


def __getattr__(name: str) -> Any:
    """`THEMES`: Textual's built-in theme names, read from Textual on first use; the `_LAZY`
    names, from their modules on first use."""
    if name == "THEMES":
        from tui_reader.config.schema import theme_names

        return theme_names()
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
