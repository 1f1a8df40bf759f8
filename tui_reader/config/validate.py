"""The checks of [settings], [[feeds]] and [keys]; the others live beside them."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from tui_reader.actions import ACTION_IDS, ACTIONS
from tui_reader.config.keys import _parse_key, key_names
from tui_reader.config.organise import check_organise
from tui_reader.config.problems import (
    Path_,
    Problem,
    _dotted,
    _has_control_chars,
    _quote,
    _suggest,
    _type_name,
    normalize_url,
)
from tui_reader.config.schema import (
    FEED_KEYS,
    REFRESH_UNIT,
    SETTINGS,
    SETTINGS_BY_NAME,
    TOP_LEVEL,
    Field,
    theme_names,
)
from tui_reader.i18n import _
from tui_reader.models import Config, FeedConfig, FullArticles, Settings
from tui_reader.urls import url_problem

if TYPE_CHECKING:
    from tui_reader.config.lines import _KeyLines

_TOP_LEVEL = TOP_LEVEL
_FEED_KEYS = FEED_KEYS


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
        validators = {field.name: self._validator(field) for field in SETTINGS}
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

    def _validator(self, field: Field) -> Callable[[Path_, object], object]:
        """The check of one `[settings]` key, chosen by its kind in the schema."""
        if field.kind == "int":
            return self._int_range(field.low, field.high, _(field.unit))
        if field.kind == "seconds":
            return self._timeout
        if field.kind == "theme":
            return self._theme
        if field.name == "full_articles":
            return self._full_articles
        if field.name == "language":
            return self._language
        return self._images

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
        if isinstance(value, str) and value in SETTINGS_BY_NAME["full_articles"].choices:
            return value
        shown = _type_name(value)
        self.add(path, _('expected "auto", "always" or "never", got {value}').format(value=shown))
        return None

    def _images(self, path: Path_, value: object) -> str | None:
        if isinstance(value, str) and value in SETTINGS_BY_NAME["images"].choices:
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
        if value == SETTINGS_BY_NAME["theme"].default:
            return value  # the schema's default (a test holds it to Textual's themes)
        themes = theme_names()
        if value not in themes:
            self.add(
                path,
                _("unknown theme {name}; {hint}").format(
                    name=_quote(value), hint=_suggest(value, sorted(themes))
                ),
            )
            return None
        return value

    def _language(self, path: Path_, value: object) -> str | None:
        if isinstance(value, str) and value in SETTINGS_BY_NAME["language"].choices:
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
            interval = self._int_range(0, 10080, REFRESH_UNIT)(
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
