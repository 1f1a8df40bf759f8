"""The config's schema, declared once: every `[settings]` key with its type, default, range
and documentation, and the key names of the other tables.

Validation (`validate.py`) checks `[settings]` from `SETTINGS`, and the `[settings]` table and
`[[feeds]]` comment of the starter config (`default_config.toml`, `config.example.toml`) are
written from it: edit the schema, then run `python tools/config_example.py`.
`tests/test_config_schema.py` fails when the files and the schema disagree.

Theme names come from Textual (`textual.theme.BUILTIN_THEMES`), imported only when a `theme`
value is checked, so that the headless CLI loads Textual only for a config that sets a theme.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from tui_reader.i18n import LANGUAGE_SETTINGS, N_

Kind = Literal["int", "seconds", "choice", "theme"]


@dataclass(frozen=True, slots=True)
class Field:
    """One key of `[settings]`.

    `kind` picks the check: "int" (an integer in `low..high`), "seconds" (a number in
    `(low, high]`), "choice" (one of `choices`), "theme" (a Textual theme name). `unit` (marked
    with `N_`, translated where shown) words the range in problems; `doc` is the comment above
    the key in the starter config.
    """

    name: str
    kind: Kind
    default: int | float | str
    doc: str
    low: int = 0
    high: int = 0
    unit: str = ""
    choices: tuple[str, ...] = ()


FULL_ARTICLES_VALUES: tuple[str, ...] = ("auto", "always", "never")
IMAGES_VALUES: tuple[str, ...] = ("auto", "halfcell", "off")
REFRESH_UNIT = N_("minutes; 0 = manual only")

SETTINGS: tuple[Field, ...] = (
    Field(
        "refresh_interval",
        "int",
        30,
        "Minutes between automatic refreshes while the app runs; 0 = refresh manually only"
        " (0..10080).",
        0,
        10080,
        REFRESH_UNIT,
    ),
    Field(
        "concurrency",
        "int",
        16,
        "How many feeds are fetched at the same time (1..64).",
        1,
        64,
        N_("feeds at once"),
    ),
    Field(
        "per_host_connections",
        "int",
        4,
        "Connections to one site at once over HTTP/1.1 (1..16); a site that speaks HTTP/2\n"
        "gets one connection that carries all its requests.",
        1,
        16,
        N_("connections per site at once"),
    ),
    Field(
        "timeout",
        "seconds",
        15,
        "Seconds allowed for one HTTP request, connection to last byte (more than 0, at most 300).",
        0,
        300,
    ),
    Field(
        "max_feed_bytes",
        "int",
        10_000_000,
        "Largest feed body accepted, in bytes; a larger response is cut off and reported"
        " (1000..1000000000).",
        1000,
        1_000_000_000,
        N_("bytes"),
    ),
    Field(
        "full_articles",
        "choice",
        "auto",
        "When to download the full article from the web page:\n"
        '  "auto"   only for feeds that publish summaries, "always", or "never".',
        choices=FULL_ARTICLES_VALUES,
    ),
    Field(
        "keep_days",
        "int",
        90,
        "Read, unbookmarked articles older than this many days are purged; 0 = never purge"
        " (0..36500).",
        0,
        36500,
        N_("days; 0 = never purge"),
    ),
    Field(
        "theme",
        "theme",
        "textual-dark",
        'Colour theme: one of Textual\'s built-in themes, e.g. "textual-dark", "textual-light",\n'
        '"nord", "gruvbox", "dracula", "tokyo-night", "monokai", "catppuccin-mocha",\n'
        '"solarized-dark", "solarized-light", "rose-pine", "atom-one-dark", "flexoki".',
    ),
    Field(
        "language",
        "choice",
        "auto",
        'Interface language: "auto" follows LC_ALL, LC_MESSAGES, LANG (fr_FR.UTF-8 → French,\n'
        'anything else → English); "fr" or "en" forces it.',
        choices=tuple(LANGUAGE_SETTINGS),
    ),
    Field(
        "images",
        "choice",
        "auto",
        'Pictures in the reading pane: "auto" (the best the terminal can show; today that is\n'
        'half-block cells everywhere), "halfcell" (coloured half-block cells: every true-colour\n'
        'terminal, tmux included), or "off" (alt text only, nothing downloaded).',
        choices=IMAGES_VALUES,
    ),
)
SETTINGS_BY_NAME: dict[str, Field] = {field.name: field for field in SETTINGS}

# The keys of the other tables; their checks (validate.py, organise.py, sync/accounts.py) word
# each one's problems, and `tests/test_config_schema.py` checks each is documented.
TOP_LEVEL: tuple[str, ...] = ("settings", "feeds", "keys", "views", "rules", "hooks", "accounts")
FEED_DOCS: tuple[tuple[str, str], ...] = (
    ("name", "shown in the sidebar; must be unique"),
    ("url", "the RSS, Atom or JSON Feed address (http or https)"),
    ("tags", "optional list of tags, used by the tag filter (`t`) and `--tag`"),
    ("full_articles", "optional per-feed override of the setting above"),
    (
        "refresh_interval",
        "optional per-feed override, in minutes (0 = manual only); honoured by the\n"
        "app's timer and by `tui-reader refresh --due` (for cron)",
    ),
)
FEED_KEYS: tuple[str, ...] = tuple(name for name, _doc in FEED_DOCS)
VIEW_KEYS: tuple[str, ...] = ("name", "query", "notify")
RULE_KEYS: tuple[str, ...] = ("query", "action")
HOOK_KEYS: tuple[str, ...] = ("query", "command", "timeout")
RULE_ACTIONS: tuple[str, ...] = ("hide", "read", "tag:NAME")


def render_value(value: int | float | str) -> str:
    """`value` as TOML the way the starter config writes it (`10_000_000`, `"auto"`)."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, int) and abs(value) >= 100_000:
        return f"{value:_}"
    return str(value)


def settings_section() -> str:
    """The `[settings]` table of the starter config: each key's doc as comments, then its
    default."""
    out = ["[settings]"]
    for field in SETTINGS:
        out.extend(f"# {line}" for line in field.doc.splitlines())
        out.append(f"{field.name} = {render_value(field.default)}")
    return "\n".join(out) + "\n"


def feeds_comment() -> str:
    """The comment that documents `[[feeds]]` keys in the starter config."""
    out = ["# One [[feeds]] table per subscription."]
    for name, doc in FEED_DOCS:
        first, *rest = doc.splitlines()
        out.append(f"#   {name:<14} {first}" if len(name) < 15 else f"#   {name}  {first}")
        out.extend(f"#{' ' * 18}{line}" for line in rest)
    return "\n".join(out) + "\n"


def _replace_block(text: str, start_marker: str, block: str) -> str:
    """`text` with the block that opens at `start_marker` (up to a blank line) replaced."""
    start = text.index(start_marker)
    end = text.find("\n\n", start)
    end = len(text) if end < 0 else end + 1
    return text[:start] + block + text[end:]


def regenerate(text: str) -> str:
    """The starter config `text` with its schema-made parts (the `[settings]` table and the
    `[[feeds]]` comment) written again from the schema; `tools/config_example.py` uses it."""
    text = _replace_block(text, "[settings]\n", settings_section())
    return _replace_block(text, "# One [[feeds]] table per subscription.\n", feeds_comment())


@functools.cache
def theme_names() -> frozenset[str]:
    """Textual's built-in theme names (imported here, on first use, never at import time)."""
    from textual.theme import BUILTIN_THEMES

    return frozenset(BUILTIN_THEMES)
