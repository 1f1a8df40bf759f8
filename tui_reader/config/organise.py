"""[[views]], [[rules]] and [[hooks]]: every query is checked with `query.query_problem`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tui_reader.config.problems import (
    Path_,
    _has_control_chars,
    _quote,
    _suggest,
    _type_name,
)
from tui_reader.config.schema import HOOK_KEYS, RULE_ACTIONS, RULE_KEYS, VIEW_KEYS
from tui_reader.i18n import _
from tui_reader.models import HookConfig, RuleConfig, ViewConfig

if TYPE_CHECKING:
    from tui_reader.config.validate import _Checker

_VIEW_KEYS = VIEW_KEYS
_RULE_KEYS = RULE_KEYS
_HOOK_KEYS = HOOK_KEYS
_RULE_ACTIONS = RULE_ACTIONS


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
