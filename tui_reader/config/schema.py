"""The config's schema, declared once: every key of every table with its type (`kind`),
default or "required", range or choices, and documentation.

Validation (`validate.py`, `organise.py`, `sync/accounts.py`, through `fields.check_entry`)
reads these declarations for unknown keys, required keys, types, ranges and choices; the
starter config (`default_config.toml`, `config.example.toml`) gets its `[settings]` table and
the comment under each `# Keys of [[table]]:` line from them: edit the schema, then run
`python tools/config_example.py`. `tests/test_config_schema.py` fails when the files and the
schema disagree.

Theme names come from Textual (`textual.theme.BUILTIN_THEMES`), imported only when a `theme`
value is checked, so that the headless CLI loads Textual only for a config that sets a theme.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from tui_reader.actions import ACTIONS
from tui_reader.i18n import LANGUAGE_SETTINGS, N_

Kind = Literal[
    "int",  # an integer in low..high
    "seconds",  # a number in (low, high]
    "choice",  # one of `choices`
    "theme",  # a Textual theme name
    "name",  # a non-empty one-line string
    "url",  # an http(s) address (`urls.url_problem`)
    "tags",  # an array of non-empty strings
    "bool",  # true or false
    "query",  # the search language (`query.query_problem`)
    "rule_action",  # "hide", "read" or "tag:NAME"
    "argv",  # a non-empty array of strings (a command, run without a shell)
    "env",  # the name of an environment variable
    "secret",  # a non-empty string never echoed back
    "keys",  # Textual key names, comma-separated
]
Value = int | float | str | bool | tuple[str, ...] | None
REQUIRED = None  # the default of a required key: it has none


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a config table.

    `kind` picks the check (see `Kind`); `low`/`high` bound numbers ("int": `low..high`,
    "seconds": more than `low`, at most `high`) and `choices` lists the allowed strings.
    `unit` (marked with `N_`, translated where shown) words an integer's range in problems;
    `wrong` (`N_`) is the problem of a value outside `choices` or `(low, high]`, for kinds
    whose message names them. `required` keys have no default; `doc` is the key's comment in
    the starter config.
    """

    name: str
    kind: Kind
    default: Value
    doc: str
    low: int = 0
    high: int = 0
    unit: str = ""
    choices: tuple[str, ...] = ()
    required: bool = False
    wrong: str = ""


FULL_ARTICLES_VALUES: tuple[str, ...] = ("auto", "always", "never")
IMAGES_VALUES: tuple[str, ...] = ("auto", "halfcell", "off")
REFRESH_UNIT = N_("minutes; 0 = manual only")
REFRESH_LOW, REFRESH_HIGH = 0, 10080
FULL_ARTICLES_WRONG = N_('expected "auto", "always" or "never", got {value}')

SETTINGS: tuple[Field, ...] = (
    Field(
        "refresh_interval",
        "int",
        30,
        "Minutes between automatic refreshes while the app runs; 0 = refresh manually only"
        " (0..10080).",
        REFRESH_LOW,
        REFRESH_HIGH,
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
        wrong=N_("{value} is out of range; use more than 0 and at most 300 seconds"),
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
        wrong=FULL_ARTICLES_WRONG,
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
        wrong=N_('expected "auto", "fr" or "en", got {value}'),
    ),
    Field(
        "images",
        "choice",
        "auto",
        'Pictures in the reading pane: "auto" (the best the terminal can show; today that is\n'
        'half-block cells everywhere), "halfcell" (coloured half-block cells: every true-colour\n'
        'terminal, tmux included), or "off" (alt text only, nothing downloaded).',
        choices=IMAGES_VALUES,
        wrong=N_('expected "auto", "halfcell" or "off", got {value}'),
    ),
)
SETTINGS_BY_NAME: dict[str, Field] = {field.name: field for field in SETTINGS}


@dataclass(frozen=True, slots=True)
class Table:
    """A table of the config: `[name]` or, with `array`, `[[name]]`; `heading` says what it
    is, on the first line of its generated comment in the starter config (`marker`)."""

    name: str
    array: bool
    heading: str
    fields: tuple[Field, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """The key names the table accepts, in schema order."""
        return tuple(field.name for field in self.fields)

    def field(self, name: str) -> Field:
        """The declaration of key `name`."""
        return next(field for field in self.fields if field.name == name)


ACCOUNT_KINDS: tuple[str, ...] = ("fever", "greader")
RULE_ACTIONS: tuple[str, ...] = ("hide", "read", "tag:NAME")
HOOK_TIMEOUT = 30

UNIQUE_NAME = Field("name", "name", REQUIRED, "shown in the sidebar; must be unique", required=True)

FEEDS = Table(
    "feeds",
    True,
    "one table per subscription.",
    (
        UNIQUE_NAME,
        Field("url", "url", REQUIRED, "the RSS, Atom or JSON Feed address", required=True),
        Field("tags", "tags", (), "used by the tag filter (`t`) and `--tag`"),
        Field(
            "full_articles",
            "choice",
            None,
            "per-feed override of [settings]",
            choices=FULL_ARTICLES_VALUES,
            wrong=FULL_ARTICLES_WRONG,
        ),
        Field(
            "refresh_interval",
            "int",
            None,
            "per-feed override (0 = manual only);\n"
            "honoured by the app's timer and by `tui-reader refresh --due` (for cron)",
            REFRESH_LOW,
            REFRESH_HIGH,
            REFRESH_UNIT,
        ),
    ),
)
ACCOUNTS = Table(
    "accounts",
    True,
    "one table per sync server.",
    (
        UNIQUE_NAME,
        Field(
            "kind",
            "choice",
            REQUIRED,
            "the server's API",
            choices=ACCOUNT_KINDS,
            required=True,
            wrong=N_('expected "fever" or "greader", got {value}'),
        ),
        Field("url", "url", REQUIRED, "the API's address", required=True),
        Field("username", "name", REQUIRED, "your user name on the server", required=True),
        Field("password_command", "argv", (), "prints the password (one of the three)"),
        Field("password_env", "env", None, "an environment variable holding the password"),
        Field("password", "secret", None, "the password itself (chmod 600 the file)"),
        Field("tags", "tags", (), "added to every item, as are the server's categories"),
    ),
)
KEYS = Table(
    "keys",
    False,
    "every action, with its default keys.",
    tuple(Field(action.id, "keys", action.keys, action.description) for action in ACTIONS),
)
VIEWS = Table(
    "views",
    True,
    "saved searches, in the sidebar with their counts; `headlines --view NAME`.",
    (
        UNIQUE_NAME,
        Field("query", "query", REQUIRED, "what the view lists", required=True),
        Field(
            "notify",
            "bool",
            False,
            "a desktop notification for new ones",
        ),
    ),
)
RULES = Table(
    "rules",
    True,
    "applied to new and stored items alike (bookmarks are never hidden or marked read).",
    (
        Field("query", "query", REQUIRED, "the items the rule applies to", required=True),
        Field(
            "action",
            "rule_action",
            REQUIRED,
            "see hidden items: is:hidden, `--all`",
            choices=RULE_ACTIONS,
            required=True,
        ),
    ),
)
HOOKS = Table(
    "hooks",
    True,
    "after a refresh that stored new items matching query, run command.",
    (
        Field("query", "query", REQUIRED, "the new items that start the command", required=True),
        Field(
            "command",
            "argv",
            REQUIRED,
            "argv, no shell; new items as JSON lines on stdin",
            required=True,
        ),
        Field(
            "timeout",
            "seconds",
            HOOK_TIMEOUT,
            "then the command is stopped",
            0,
            3600,
            wrong=N_("{value} is out of range; use more than 0 and at most 3600 seconds"),
        ),
    ),
)
SETTINGS_TABLE = Table("settings", False, "[settings]", SETTINGS)
# In the order of the starter config; `regenerate` writes each one's comment.
DOCUMENTED: tuple[Table, ...] = (ACCOUNTS, FEEDS, KEYS, VIEWS, RULES, HOOKS)
TOP_LEVEL: tuple[str, ...] = ("settings", "feeds", "keys", "views", "rules", "hooks", "accounts")
FEED_KEYS: tuple[str, ...] = FEEDS.keys
VIEW_KEYS: tuple[str, ...] = VIEWS.keys
RULE_KEYS: tuple[str, ...] = RULES.keys
HOOK_KEYS: tuple[str, ...] = HOOKS.keys
ACCOUNT_KEYS: tuple[str, ...] = ACCOUNTS.keys


def render_value(value: Value) -> str:
    """`value` as TOML the way the starter config writes it (`10_000_000`, `"auto"`, `[]`)."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(render_value(item) for item in value) + "]"
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


def _alternatives(choices: tuple[str, ...]) -> str:
    quoted = [f'"{choice}"' for choice in choices]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


_KIND_TEXT: dict[str, str] = {
    "theme": "a Textual theme",
    "name": "text",
    "url": "http(s) URL",
    "tags": "array of strings",
    "bool": "true or false",
    "query": "search",
    "argv": "array of strings",
    "env": "variable name",
    "secret": "text",
}


def describe(field: Field) -> str:
    """A key's type, range or choices, and default (or "required"), as the starter config's
    comment words them: `integer 0..10080, optional`, `"fever" or "greader", required`."""
    if field.kind == "int":
        kind = f"integer {field.low}..{field.high}"
    elif field.kind == "seconds":
        kind = f"seconds, more than {field.low}, at most {field.high}"
    elif field.choices:
        kind = _alternatives(field.choices)
    else:
        kind = _KIND_TEXT.get(field.kind, "")
    if field.required:
        default = "required"
    elif field.default is None:
        default = "optional"
    else:
        default = f"default {render_value(field.default)}"
    return f"{kind}, {default}" if kind else default


_NAME_WIDTH = 18


def marker(table: Table) -> str:
    """The start of the first line of `table`'s comment (`# Keys of [[feeds]]:`)."""
    return f"# Keys of [[{table.name}]]:" if table.array else f"# Keys of [{table.name}]:"


def table_comment(table: Table) -> str:
    """The comment that documents `table`'s keys in the starter config: its heading, then a
    line a key (name, type and range or choices, default or "required", doc)."""
    out = [f"{marker(table)} {table.heading}"]
    for field in table.fields:
        first, *rest = f"{describe(field)}: {field.doc}".splitlines()
        out.append(f"#   {field.name:<{_NAME_WIDTH}}{first}")
        out.extend(f"#   {' ' * _NAME_WIDTH}{line}" for line in rest)
    return "\n".join(out) + "\n"


def feeds_comment() -> str:
    """The comment that documents `[[feeds]]` keys in the starter config."""
    return table_comment(FEEDS)


def _replace_block(text: str, start_marker: str, block: str) -> str:
    """`text` with the block that opens at `start_marker` (up to a blank line) replaced."""
    start = text.index(start_marker)
    end = text.find("\n\n", start)
    end = len(text) if end < 0 else end + 1
    return text[:start] + block + text[end:]


def _replace_table_comment(text: str, table: Table) -> str:
    """`text` with `table`'s comment (its heading line and the `#   ` lines after it)
    written again; `ValueError` when the heading is missing."""
    start = text.find("\n" + marker(table)) + 1
    if start == 0:
        raise ValueError(f"no line starts with {marker(table)!r}")
    end = text.index("\n", start) + 1
    while text.startswith("#   ", end):
        end = text.index("\n", end) + 1
    return text[:start] + table_comment(table) + text[end:]


def regenerate(text: str) -> str:
    """The starter config `text` with its schema-made parts (the `[settings]` table and the
    key comments of the other tables) written again from the schema;
    `tools/config_example.py` uses it."""
    text = _replace_block(text, "[settings]\n", settings_section())
    for table in DOCUMENTED:
        text = _replace_table_comment(text, table)
    return text


@functools.cache
def theme_names() -> frozenset[str]:
    """Textual's built-in theme names (imported here, on first use, never at import time)."""
    from textual.theme import BUILTIN_THEMES

    return frozenset(BUILTIN_THEMES)
