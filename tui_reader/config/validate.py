"""The checks of [settings], [[feeds]] and [keys]; the others live beside them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from tui_reader.actions import ACTIONS
from tui_reader.config.fields import check_entry, entries
from tui_reader.config.keys import _parse_key, key_names
from tui_reader.config.organise import check_organise
from tui_reader.config.problems import (
    Path_,
    Problem,
    _dotted,
    _quote,
    _suggest,
    _type_name,
    normalize_url,
)
from tui_reader.config.schema import FEEDS, KEYS, SETTINGS_TABLE, TOP_LEVEL
from tui_reader.i18n import _
from tui_reader.models import Config, FeedConfig, FullArticles, Settings

if TYPE_CHECKING:
    from tui_reader.config.lines import _KeyLines


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
            if key not in TOP_LEVEL:
                suggestion = _suggest(key, TOP_LEVEL)
                if isinstance(value, dict | list):
                    self.add((key,), _("unknown table; {hint}").format(hint=suggestion))
                else:
                    self.add((key,), _("unknown key; {hint}").format(hint=suggestion))
        from tui_reader.sync.accounts import check_accounts

        views, rules, hooks = check_organise(self, document)
        return Config(
            settings=self.check_settings(document.get("settings", {})),
            feeds=self.check_feeds(document),
            keys=self.check_keys(document.get("keys", {})),
            views=views,
            rules=rules,
            hooks=hooks,
            accounts=check_accounts(self, document),
        )

    # -- [settings]

    def check_settings(self, table: object) -> Settings:
        if not isinstance(table, dict):
            self.add(
                ("settings",),
                _("must be a table ([settings]), not {value}").format(value=_type_name(table)),
            )
            return Settings()
        values = check_entry(self, ("settings",), table, SETTINGS_TABLE)
        return Settings(**values)

    # -- [[feeds]]

    def check_feeds(self, document: Mapping[str, Any]) -> tuple[FeedConfig, ...]:
        result: list[FeedConfig] = []
        urls: dict[str, int] = {}
        names: dict[str, int] = {}
        for index, entry in entries(self, document, "feeds"):
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

    def check_feed(self, index: int, entry: dict[str, Any]) -> FeedConfig | None:
        base: Path_ = ("feeds", index)
        before = len(self.problems)
        values = check_entry(self, base, entry, FEEDS)
        if len(self.problems) > before:
            return None
        return FeedConfig(
            name=values["name"],
            url=values["url"],
            tags=values.get("tags", ()),
            full_articles=cast(FullArticles | None, values.get("full_articles")),
            refresh_interval=values.get("refresh_interval"),
        )

    # -- [keys]

    def check_keys(self, table: object) -> dict[str, str]:
        if not isinstance(table, dict):
            self.add(
                ("keys",),
                _("must be a table ([keys]), not {value}").format(value=_type_name(table)),
            )
            return {}
        action_ids = list(KEYS.keys)
        overrides: dict[str, str] = {}
        for action_id, value in table.items():
            path: Path_ = ("keys", action_id)
            if action_id not in KEYS.keys:
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
