"""[[views]], [[rules]] and [[hooks]]: each entry is checked against its `schema.Table`
(queries with `query.query_problem`), then view names for duplicates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui_reader.config.fields import check_entry, entries
from tui_reader.config.problems import _quote
from tui_reader.config.schema import HOOKS, RULES, VIEWS, Table
from tui_reader.i18n import _
from tui_reader.models import HookConfig, RuleConfig, ViewConfig

if TYPE_CHECKING:
    from tui_reader.config.validate import _Checker


def check_organise(
    checker: _Checker, document: dict[str, Any]
) -> tuple[tuple[ViewConfig, ...], tuple[RuleConfig, ...], tuple[HookConfig, ...]]:
    """Validate the `[[views]]`, `[[rules]]` and `[[hooks]]` arrays of `document`."""
    views: list[ViewConfig] = []
    names: dict[str, int] = {}
    for index, entry in entries(checker, document, "views"):
        before = len(checker.problems)
        values = check_entry(checker, ("views", index), entry, VIEWS)
        name = values.get("name")
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
        if len(checker.problems) == before:
            views.append(ViewConfig(**values))
    rules = [RuleConfig(**values) for values in _checked(checker, document, RULES)]
    hooks = [HookConfig(**values) for values in _checked(checker, document, HOOKS)]
    return tuple(views), tuple(rules), tuple(hooks)


def _checked(checker: _Checker, document: dict[str, Any], table: Table) -> list[dict[str, Any]]:
    """The values of each entry of the array `table` that has no problem (the model's
    defaults, which a test holds to the schema's, fill the absent keys)."""
    out = []
    for index, entry in entries(checker, document, table.name):
        before = len(checker.problems)
        values = check_entry(checker, (table.name, index), entry, table)
        if len(checker.problems) == before:
            out.append(values)
    return out
