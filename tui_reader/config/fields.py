"""The checks of config values by their declared kind (`schema.Field.kind`).

`check_entry` checks one table or array entry against its `schema.Table`: unknown keys,
required keys, then each key by its kind, with the ranges and choices of its declaration.
What differs between tables is only the wording of a missing key, an empty text or a
wrong shape (`MISSING`, `WORDING`), kept as the messages users
and tests know.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui_reader.config.problems import Path_, _has_control_chars, _quote, _suggest, _type_name
from tui_reader.config.schema import Field, Table, theme_names
from tui_reader.i18n import N_, _

if TYPE_CHECKING:
    from tui_reader.config.validate import _Checker

# A check adds its problems to the checker and returns the value to keep (None: rejected).
Check = Callable[["_Checker", Path_, Field, object, str], Any]

_QUERY_MISSING = N_('missing; write query = "+tag words" (the search language)')
MISSING: dict[tuple[str, str], str] = {
    ("feeds", "name"): N_('missing; every feed needs a name = "..."'),
    ("feeds", "url"): N_('missing; every feed needs a url = "https://..."'),
    ("views", "name"): N_('missing; write {what} = "..."'),
    ("views", "query"): _QUERY_MISSING,
    ("rules", "query"): _QUERY_MISSING,
    ("rules", "action"): N_("missing; {expected}"),
    ("hooks", "query"): _QUERY_MISSING,
    ("hooks", "command"): N_("missing; {example}"),
    ("accounts", ""): N_("missing; every account needs a {key}"),
}


@dataclass(frozen=True, slots=True)
class Wording:
    """How a table words an entry of the wrong shape (`each`), the array of the wrong shape
    (`array`), and an empty text or one with control characters (all marked with `N_`)."""

    each: str = N_("each entry must be a table, not {value}")
    array: str = N_("must be an array of tables ([[{key}]]), not {value}")
    empty: str = N_("empty; write a {what}")
    control: str = N_("contains control characters; remove them")


WORDING: dict[str, Wording] = {
    "feeds": Wording(
        each=N_("each feed must be a table, not {value}"),
        array=N_("must be an array of tables ([[feeds]]), not {value}"),
        empty=N_("empty name; give the feed a name to show in the sidebar"),
        control=N_("the name contains control characters; remove them"),
    ),
    "accounts": Wording(
        each=N_("each account must be a table, not {kind}"),
        array=N_("must be an array of tables ([[accounts]]), not {kind}"),
        empty=N_("empty; give a value"),
    ),
}


def wording(table: str) -> Wording:
    """The wording of `table`'s problems (the common one where it has none of its own)."""
    return WORDING.get(table) or Wording()


RULE_EXPECTED = N_('expected "hide", "read" or "tag:NAME"')
ARGV_EXAMPLE = N_('write it as a list, like ["notify-send", "tui-reader"] or ["sh", "-c", "..."]')


def entries(
    checker: _Checker, document: Mapping[str, Any], key: str
) -> list[tuple[int, dict[str, Any]]]:
    """The tables of the array `key` of `document`, with their index; another shape, of
    the array or of an entry, is reported (`wording`)."""
    value = document.get(key, [])
    if not isinstance(value, list):
        shown = _type_name(value)
        message = wording(key).array
        checker.add((key,), _(message).format(key=key, value=shown, kind=shown))
        return []
    out: list[tuple[int, dict[str, Any]]] = []
    for index, entry in enumerate(value):
        if isinstance(entry, dict):
            out.append((index, entry))
        else:
            shown = _type_name(entry)
            message = wording(key).each
            checker.add((key, index), _(message).format(value=shown, kind=shown))
    return out


def unknown_keys(checker: _Checker, base: Path_, entry: Mapping[str, Any], table: Table) -> None:
    """Report each key of `entry` that `table` does not declare, with the closest one."""
    for key in entry:
        if key not in table.keys:
            checker.add(
                (*base, key), _("unknown key; {hint}").format(hint=_suggest(key, table.keys))
            )


def check_entry(
    checker: _Checker,
    base: Path_,
    entry: Mapping[str, Any],
    table: Table,
    checks: Mapping[str, Check] | None = None,
) -> dict[str, Any]:
    """Check `entry` (a table at `base`) against `table`: its unknown keys, its missing
    required keys, then each key present by its kind (`checks` may replace a key's check).
    Returns the accepted values by key; absent optional keys are left out."""
    unknown_keys(checker, base, entry, table)
    values: dict[str, Any] = {}
    for field in table.fields:
        path: Path_ = (*base, field.name)
        value = entry.get(field.name)
        if value is None:
            if field.required:
                checker.add(path, missing(table.name, field.name))
            continue
        check = (checks or {}).get(field.name) or CHECKS[field.kind]
        checked = check(checker, path, field, value, table.name)
        if checked is not None:
            values[field.name] = checked
    return values


def missing(table: str, key: str) -> str:
    """The problem of a required key that is absent."""
    message = MISSING.get((table, key)) or MISSING[(table, "")]
    return _(message).format(key=key, what=key, expected=_(RULE_EXPECTED), example=_(ARGV_EXAMPLE))


# --------------------------------------------------------------------------- the kinds


def check_int(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    unit = _(field.unit)
    if isinstance(value, bool) or not isinstance(value, int):
        checker.add(
            path,
            _("expected an integer ({unit}), got {value}").format(
                unit=unit, value=_type_name(value)
            ),
        )
        return None
    if not field.low <= value <= field.high:
        checker.add(
            path,
            _("{value} is out of range; use {low}..{high} ({unit})").format(
                value=value, low=field.low, high=field.high, unit=unit
            ),
        )
        return None
    return value


def check_seconds(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        checker.add(
            path, _("expected a number of seconds, got {value}").format(value=_type_name(value))
        )
        return None
    if not (math.isfinite(value) and field.low < value <= field.high):
        checker.add(path, _(field.wrong).format(value=value))
        return None
    return float(value)


def check_choice(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    if isinstance(value, str) and value in field.choices:
        return value
    checker.add(path, _(field.wrong).format(value=_type_name(value)))
    return None


def check_theme(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    if not isinstance(value, str) or not value.strip():
        checker.add(path, _("expected a theme name, got {value}").format(value=_type_name(value)))
        return None
    if value == field.default:
        return value  # the schema's default (a test holds it to Textual's themes)
    themes = theme_names()
    if value not in themes:
        checker.add(
            path,
            _("unknown theme {name}; {hint}").format(
                name=_quote(value), hint=_suggest(value, sorted(themes))
            ),
        )
        return None
    return value


def check_name(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    """A non-empty one-line string, stripped."""
    if not isinstance(value, str):
        checker.add(path, _("expected a string, got {value}").format(value=_type_name(value)))
    elif not value.strip():
        checker.add(path, _(wording(table).empty).format(what=field.name))
    elif _has_control_chars(value):
        checker.add(path, _(wording(table).control))
    else:
        return value.strip()
    return None


def _string_passing(
    checker: _Checker, path: Path_, value: object, problem: Callable[[str], str | None]
) -> str | None:
    """`value`, stripped, when it is a string in which `problem` finds nothing wrong (else
    the type, or `problem`'s message, is reported)."""
    if not isinstance(value, str):
        checker.add(path, _("expected a string, got {value}").format(value=_type_name(value)))
        return None
    message = problem(value)
    if message is not None:
        checker.add(path, message)
        return None
    return value.strip()


def check_url(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    from tui_reader.urls import url_problem

    def problem(url: str) -> str | None:
        reason = url_problem(url)
        return None if reason is None else f"{_quote(url)}: {reason}"

    return _string_passing(checker, path, value, problem)


def check_tags(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    if not isinstance(value, list):
        checker.add(
            path,
            _('expected an array of strings like ["tech"], got {value}').format(
                value=_type_name(value)
            ),
        )
        return None
    result: list[str] = []
    for position, tag in enumerate(value, 1):
        if not isinstance(tag, str):
            checker.add(
                path,
                _("tag #{position}: expected a string, got {value}").format(
                    position=position, value=_type_name(tag)
                ),
            )
        elif not tag.strip():
            checker.add(path, _("tag #{position} is empty; remove it").format(position=position))
        elif _has_control_chars(tag):
            checker.add(
                path,
                _("tag #{position} contains control characters; remove them").format(
                    position=position
                ),
            )
        elif tag.strip() not in result:
            result.append(tag.strip())
    return tuple(result)


def check_bool(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    if not isinstance(value, bool):
        checker.add(path, _("expected true or false, got {value}").format(value=_type_name(value)))
        return None
    return value


def check_query(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    from tui_reader.query import query_problem

    def problem(query: str) -> str | None:
        found = query_problem(query)
        return (
            None
            if found is None
            else _("{query}: {problem}").format(query=_quote(query), problem=found)
        )

    return _string_passing(checker, path, value, problem)


def check_rule_action(
    checker: _Checker, path: Path_, field: Field, value: object, table: str
) -> Any:
    """One of the field's choices, where `tag:NAME` stands for any one-word tag."""
    expected = _(RULE_EXPECTED)
    if not isinstance(value, str):
        checker.add(
            path, _("{expected}, got {value}").format(expected=expected, value=_type_name(value))
        )
    elif value in field.choices:
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
        hint = _suggest(value, field.choices)
        checker.add(
            path, _("unknown action {value}; {hint}").format(value=_quote(value), hint=hint)
        )
    return None


def check_argv(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    """A command as a non-empty list of strings (its program not blank, no NUL anywhere)."""
    if not isinstance(value, list) or not value:
        checker.add(
            path,
            _("expected a non-empty array of strings, got {value}; {example}").format(
                value=_type_name(value), example=_(ARGV_EXAMPLE)
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


def check_env(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    if not isinstance(value, str) or not value.strip() or "=" in value:
        checker.add(path, _("expected the name of an environment variable"))
        return None
    return value.strip()


def check_secret(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    if not isinstance(value, str) or not value:
        # Never echo the value: it may be a secret typed in the wrong place.
        checker.add(path, _("expected a non-empty string"))
        return None
    return value


CHECKS: dict[str, Check] = {
    "int": check_int,
    "seconds": check_seconds,
    "choice": check_choice,
    "theme": check_theme,
    "name": check_name,
    "url": check_url,
    "tags": check_tags,
    "bool": check_bool,
    "query": check_query,
    "rule_action": check_rule_action,
    "argv": check_argv,
    "env": check_env,
    "secret": check_secret,
}
