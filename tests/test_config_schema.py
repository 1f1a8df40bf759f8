"""The schema is declared once: the starter config's docs and defaults come from it."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import tomllib
import typing
from pathlib import Path

import pytest

from tui_reader.actions import ACTIONS
from tui_reader.config import EMBEDDED_DEFAULT_TOML, THEMES, config_from_text, problems_for_text
from tui_reader.config.fields import CHECKS
from tui_reader.config.schema import (
    ACCOUNT_KEYS,
    ACCOUNTS,
    DOCUMENTED,
    FEED_KEYS,
    FEEDS,
    HOOK_KEYS,
    HOOKS,
    KEYS,
    RULE_KEYS,
    RULES,
    SETTINGS,
    SETTINGS_TABLE,
    VIEW_KEYS,
    VIEWS,
    Field,
    Kind,
    Table,
    feeds_comment,
    regenerate,
    settings_section,
    table_comment,
)
from tui_reader.models import (
    AccountConfig,
    FeedConfig,
    HookConfig,
    RuleConfig,
    Settings,
    ViewConfig,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"
EMBEDDED = Path(__file__).resolve().parent.parent / "tui_reader" / "default_config.toml"
starter_files = pytest.mark.parametrize("path", [EMBEDDED, EXAMPLE], ids=lambda path: path.name)


@pytest.mark.parametrize(
    "text",
    [EMBEDDED_DEFAULT_TOML, EXAMPLE.read_text(encoding="utf-8")],
    ids=["default_config.toml", "config.example.toml"],
)
def test_the_settings_block_of_the_starter_config_is_generated_from_the_schema(text: str) -> None:
    assert settings_section() in text


def test_schema_keys_and_defaults_are_those_of_settings() -> None:
    defaults = {field.name: field.default for field in SETTINGS}
    model = {field.name: field.default for field in dataclasses.fields(Settings)}
    assert defaults == model


def test_the_starter_config_sets_every_setting_to_its_schema_default() -> None:
    settings = tomllib.loads(EMBEDDED_DEFAULT_TOML)["settings"]
    assert settings == {field.name: field.default for field in SETTINGS}
    assert config_from_text(EMBEDDED_DEFAULT_TOML, "<t>").settings == Settings()


@pytest.mark.parametrize("field", [f for f in SETTINGS if f.kind == "int"], ids=lambda f: f.name)
def test_an_integer_setting_documents_its_range_and_enforces_it(field: Field) -> None:
    assert f"({field.low}..{field.high})" in field.doc.replace("\n", " ")
    for value, ok in ((field.low, True), (field.high, True), (field.high + 1, False)):
        problems = problems_for_text(f"[settings]\n{field.name} = {value}\n")
        assert (problems == []) is ok, (value, problems)
    problem = problems_for_text(f"[settings]\n{field.name} = {field.low - 1}\n")[0]
    assert str(problem).startswith(f"<config>:2: settings.{field.name}: ")
    assert f"use {field.low}..{field.high}" in problem.message


@pytest.mark.parametrize("field", [f for f in SETTINGS if f.choices], ids=lambda f: f.name)
def test_a_choice_setting_documents_and_accepts_each_choice(field: Field) -> None:
    for choice in field.choices:
        assert f'"{choice}"' in field.doc
        assert problems_for_text(f'[settings]\n{field.name} = "{choice}"\n') == []
    assert problems_for_text(f'[settings]\n{field.name} = "nope"\n') != []


def _documented_keys(table: str) -> set[str]:
    """Keys written in the commented example `# [[table]]` of the starter config."""
    block = re.search(
        rf"^# \[\[{table}\]\]\n((?:# [a-z_]+ = .*\n)+)", EMBEDDED_DEFAULT_TOML, re.MULTILINE
    )
    assert block is not None, table
    return set(re.findall(r"^# ([a-z_]+) = ", block.group(1), re.MULTILINE))


@pytest.mark.parametrize(
    ("table", "keys"),
    [("views", VIEW_KEYS), ("rules", RULE_KEYS), ("hooks", HOOK_KEYS)],
)
def test_every_key_of_the_organise_tables_is_in_the_commented_example(
    table: str, keys: tuple[str, ...]
) -> None:
    assert _documented_keys(table) == set(keys)


def test_every_account_key_is_documented() -> None:
    for key in ACCOUNT_KEYS:
        assert re.search(rf"\b{key}\b", EMBEDDED_DEFAULT_TOML), key


def test_the_feeds_comment_of_the_starter_config_is_generated_from_the_schema() -> None:
    assert feeds_comment() in EMBEDDED_DEFAULT_TOML
    assert feeds_comment() in EXAMPLE.read_text(encoding="utf-8")
    documented = re.findall(r"^#   ([a-z_]+) ", feeds_comment(), re.MULTILINE)
    assert documented == list(FEED_KEYS)


def test_themes_are_textuals_builtin_themes() -> None:
    from textual.theme import BUILTIN_THEMES

    assert set(BUILTIN_THEMES) == THEMES
    assert problems_for_text('[settings]\ntheme = "nord"\n') == []
    assert "unknown theme" in problems_for_text('[settings]\ntheme = "nordd"\n')[0].message


def test_the_key_name_rule_agrees_with_textual() -> None:
    from textual.keys import KEY_NAME_REPLACEMENTS, REPLACED_KEYS, Keys, key_to_character

    from tui_reader.config.keys import (
        _KEY_NAME_REPLACEMENTS,
        _PUNCTUATION_NAMES,
        _SPECIAL_KEYS,
        _parse_key,
    )

    assert _KEY_NAME_REPLACEMENTS == KEY_NAME_REPLACEMENTS
    assert _SPECIAL_KEYS.issubset(key.value for key in Keys)
    for character in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~":
        name = _parse_key(character)
        assert name in _PUNCTUATION_NAMES, character
        assert key_to_character(REPLACED_KEYS.get(name, name)) == character


def _loads_textual(toml: str) -> bool:
    code = (
        "import sys\n"
        "from tui_reader.config import problems_for_text\n"
        f"assert problems_for_text({toml!r}) == []\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip() == "True"


def test_textual_is_asked_about_a_theme_only_when_one_other_than_the_default_is_set() -> None:
    from textual.theme import BUILTIN_THEMES

    assert Settings().theme in BUILTIN_THEMES
    assert not _loads_textual(EMBEDDED_DEFAULT_TOML)
    assert _loads_textual('[settings]\ntheme = "nord"\n')


@starter_files
def test_regenerating_the_starter_config_from_the_schema_changes_nothing(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert regenerate(text) == text
    stale = text.replace("(1..64)", "(1..99)")
    for table in DOCUMENTED:
        comment = table_comment(table)
        first_key, *_, last_key = comment.splitlines()[1:]
        # A key line out of date, and one key not documented at all.
        stale = stale.replace(
            comment, comment.replace(first_key, "#   stale").replace(last_key + "\n", "")
        )
    assert stale != text
    assert regenerate(stale) == text


@pytest.mark.parametrize(
    "field", [f for f in SETTINGS if f.kind == "seconds"], ids=lambda f: f.name
)
def test_a_seconds_setting_enforces_its_schema_range(field: Field) -> None:
    assert f"more than {field.low}, at most {field.high}" in field.doc.replace("\n", " ")
    for value, ok in (
        (field.high, True),
        (0.5, True),
        (field.high + 0.5, False),
        (field.low, False),
    ):
        problems = problems_for_text(f"[settings]\n{field.name} = {value}\n")
        assert (problems == []) is ok, (value, problems)


# --- every table is declared in the schema, documented from it and validated by it ---------

ARRAY_TABLES = [FEEDS, ACCOUNTS, VIEWS, RULES, HOOKS]
MODELS = {"feeds": FeedConfig, "accounts": AccountConfig, "views": ViewConfig}
MODELS |= {"rules": RuleConfig, "hooks": HookConfig}
# A valid value for each required key, so that one entry can be varied a key at a time.
VALID: dict[str, dict[str, str]] = {
    "feeds": {"name": '"a"', "url": '"https://example.org/feed"'},
    "accounts": {
        "name": '"a"',
        "kind": '"fever"',
        "url": '"https://example.org/api"',
        "username": '"u"',
        "password": '"p"',
    },
    "views": {"name": '"v"', "query": '"+tech"'},
    "rules": {"query": '"+tech"', "action": '"hide"'},
    "hooks": {"query": '"+tech"', "command": '["true"]'},
}


def _entry(table: Table, **changes: str | None) -> str:
    """One entry of `table` as TOML: the valid keys with `changes` (None: left out)."""
    values = {**VALID.get(table.name, {}), **changes}
    header = f"[[{table.name}]]" if table.array else f"[{table.name}]"
    lines = [f"{key} = {value}" for key, value in values.items() if value is not None]
    return "\n".join([header, *lines]) + "\n"


@pytest.mark.parametrize("table", ARRAY_TABLES, ids=lambda table: table.name)
def test_a_tables_keys_and_defaults_are_those_of_its_model(table: Table) -> None:
    model = {field.name: field for field in dataclasses.fields(MODELS[table.name])}
    assert list(table.keys) == list(model)
    for field in table.fields:
        default = model[field.name].default
        if field.required:
            assert default is dataclasses.MISSING, field.name
        else:
            assert default == field.default, field.name


@pytest.mark.parametrize("table", ARRAY_TABLES, ids=lambda table: table.name)
def test_the_valid_entry_of_each_table_loads(table: Table) -> None:
    assert problems_for_text(_entry(table)) == []


@pytest.mark.parametrize(
    ("table", "key"),
    [(table, field.name) for table in ARRAY_TABLES for field in table.fields if field.required],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_each_required_key_of_the_schema_is_required(table: Table, key: str) -> None:
    problems = problems_for_text(_entry(table, **{key: None}))
    assert [(problem.key, problem.message.split(";")[0]) for problem in problems] == [
        (f"{table.name}[1].{key}", "missing")
    ]


@pytest.mark.parametrize("table", [*ARRAY_TABLES, SETTINGS_TABLE], ids=lambda table: table.name)
def test_an_unknown_key_is_told_the_keys_the_schema_declares(table: Table) -> None:
    problems = problems_for_text(_entry(table, zzz="1"))
    assert [problem.message for problem in problems] == [
        "unknown key; expected one of: " + ", ".join(table.keys)
    ]


RANGED = [
    (table, field)
    for table in [SETTINGS_TABLE, *ARRAY_TABLES]
    for field in table.fields
    if field.kind in ("int", "seconds")
]


@pytest.mark.parametrize(("table", "field"), RANGED, ids=lambda value: value.name)
def test_every_ranged_key_is_held_to_its_declared_range(table: Table, field: Field) -> None:
    below = field.low - 1 if field.kind == "int" else field.low
    for value, ok in (
        (field.low + 1, True),
        (field.high, True),
        (field.high + 1, False),
        (below, False),
    ):
        problems = problems_for_text(_entry(table, **{field.name: str(value)}))
        assert (problems == []) is ok, (value, problems)
    described = table_comment(table) if table.array else ""
    if field.kind == "int" and described:
        assert f"integer {field.low}..{field.high}" in described
    if field.kind == "seconds":  # its out-of-range message is written out: it must agree
        assert f"more than {field.low} and at most {field.high} seconds" in field.wrong
    if field.kind == "seconds" and described:
        assert f"seconds, more than {field.low}, at most {field.high}" in described


CHOICES = [
    (table, field)
    for table in [SETTINGS_TABLE, *ARRAY_TABLES]
    for field in table.fields
    if field.choices
]


@pytest.mark.parametrize(("table", "field"), CHOICES, ids=lambda value: value.name)
def test_every_choice_key_accepts_its_declared_choices_only(table: Table, field: Field) -> None:
    for choice in field.choices:
        value = "tag:promo" if choice == "tag:NAME" else choice
        assert problems_for_text(_entry(table, **{field.name: f'"{value}"'})) == [], choice
    assert problems_for_text(_entry(table, **{field.name: '"nope"'})) != []
    if field.wrong:  # the message is written out: it must name every choice
        assert all(f'"{choice}"' in field.wrong for choice in field.choices)
    if table.array:
        assert " or ".join(f'"{choice}"' for choice in field.choices[-2:]) in table_comment(table)


def test_the_keys_table_is_the_action_table() -> None:
    assert [(field.name, field.default) for field in KEYS.fields] == [
        (action.id, action.keys) for action in ACTIONS
    ]
    comment = table_comment(KEYS)
    for action in ACTIONS:
        assert f'#   {action.id:<18}default "{action.keys}": {action.description}' in comment


def test_every_kind_of_key_has_its_check() -> None:
    # [keys] values are checked with the action table (key names, clashes) in validate.py.
    assert set(CHECKS) == set(typing.get_args(Kind)) - {"keys"}


@starter_files
def test_every_tables_key_comment_is_generated_from_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for table in DOCUMENTED:
        comment = table_comment(table)
        assert comment in text, table.name
        assert re.findall(r"^#   ([a-z_]+) ", comment, re.MULTILINE) == list(table.keys)
        for field in table.fields:
            if field.required:
                assert re.search(rf"^#   {field.name} +.*, required: ", comment, re.MULTILINE)
