"""`[[accounts]]`: validation (called by the config checker), secrets and their warnings.

A password is looked up only when a sync needs it: from `password_command` (an argv list,
run without a shell), from the environment variable `password_env`, or from `password`.
The secret travels inside a `Secret`, whose repr and str never show it, and every message
that leaves a client goes through `scrub`.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tui_reader.i18n import _
from tui_reader.models import AccountConfig, AccountKind, Config

if TYPE_CHECKING:
    from tui_reader.config import _Checker

ACCOUNT_KINDS: tuple[str, ...] = ("fever", "greader")
ACCOUNT_KEYS: tuple[str, ...] = (
    "name",
    "kind",
    "url",
    "username",
    "password_command",
    "password_env",
    "password",
    "tags",
)
_SECRET_KEYS = ("password_command", "password_env", "password")
_COMMAND_TIMEOUT = 30.0


class SyncError(Exception):
    """A sync failure, as one line that never contains a secret."""


class Secret:
    """A password (or a token derived from it) whose repr and str never reveal it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself: only for building a request."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


def scrub(message: str, secrets: Iterable[str]) -> str:
    """`message` with every secret (of 3+ characters) replaced by ***."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            message = message.replace(secret, "***")
    return message


# --------------------------------------------------------------------------- validation


def check_accounts(checker: _Checker, accounts: object) -> tuple[AccountConfig, ...]:
    """Validate `[[accounts]]` with the config checker's problem list and line numbers."""
    from tui_reader.config import _suggest, _type_name, url_problem

    if not isinstance(accounts, list):
        checker.add(
            ("accounts",),
            _("must be an array of tables ([[accounts]]), not {kind}").format(
                kind=_type_name(accounts)
            ),
        )
        return ()
    result: list[AccountConfig] = []
    names: dict[str, int] = {}
    for index, entry in enumerate(accounts):
        base = ("accounts", index)
        if not isinstance(entry, dict):
            checker.add(
                base,
                _("each account must be a table, not {kind}").format(kind=_type_name(entry)),
            )
            continue
        before = len(checker.problems)
        for key in entry:
            if key not in ACCOUNT_KEYS:
                checker.add((*base, key), _("unknown key; ") + _suggest(key, ACCOUNT_KEYS))
        strings: dict[str, str] = {}
        for key in ("name", "kind", "url", "username"):
            value = entry.get(key)
            if value is None:
                checker.add((*base, key), _("missing; every account needs a {key}").format(key=key))
            elif not isinstance(value, str):
                checker.add(
                    (*base, key),
                    _("expected a string, got {kind}").format(kind=_type_name(value)),
                )
            elif not value.strip():
                checker.add((*base, key), _("empty; give a value"))
            elif any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
                checker.add((*base, key), _("contains control characters; remove them"))
            else:
                strings[key] = value.strip()
        name = strings.get("name")
        if name is not None:
            if name.casefold() in names:
                first = names[name.casefold()]
                checker.add(
                    (*base, "name"),
                    _("duplicate account name {name}: accounts[{first}] has it too").format(
                        name=repr(name), first=first + 1
                    ),
                )
            else:
                names[name.casefold()] = index
        kind = strings.get("kind")
        if kind is not None and kind not in ACCOUNT_KINDS:
            checker.add(
                (*base, "kind"),
                _('expected "fever" or "greader", got {value}').format(value=repr(kind)),
            )
        url = strings.get("url")
        if url is not None:
            reason = url_problem(url)
            if reason is not None:
                checker.add((*base, "url"), reason)
        given = [key for key in _SECRET_KEYS if key in entry]
        if not given:
            checker.add(
                base,
                _("missing a password: give password_command, password_env or password"),
            )
        elif len(given) > 1:
            checker.add(
                (*base, given[1]),
                _("give only one of password_command, password_env and password"),
            )
        command = entry.get("password_command")
        if command is not None and (
            not isinstance(command, list)
            or not command
            or not all(isinstance(part, str) and part for part in command)
        ):
            checker.add(
                (*base, "password_command"),
                _('expected a non-empty array of strings like ["pass", "show", "rss"]'),
            )
        env = entry.get("password_env")
        if env is not None and (not isinstance(env, str) or not env.strip() or "=" in env):
            checker.add((*base, "password_env"), _("expected the name of an environment variable"))
        password = entry.get("password")
        if password is not None and (not isinstance(password, str) or not password):
            # Never echo the value: it may be a secret typed in the wrong place.
            checker.add((*base, "password"), _("expected a non-empty string"))
        tags = checker.check_tags((*base, "tags"), entry.get("tags", []))
        if len(checker.problems) > before:
            continue
        result.append(
            AccountConfig(
                name=strings["name"],
                kind=cast(AccountKind, strings["kind"]),
                url=strings["url"],
                username=strings["username"],
                password_command=tuple(command) if command else (),
                password_env=env.strip() if isinstance(env, str) else None,
                password=password if isinstance(password, str) else None,
                tags=tags,
            )
        )
    return tuple(result)


def password_warnings(config: Config) -> list[str]:
    """`FILE:LINE: accounts[N].password: ...` for each password in a file others can read."""
    path = config.path
    if path is None or not any(account.password for account in config.accounts):
        return []
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        return []
    if not mode & (stat.S_IRGRP | stat.S_IROTH):
        return []
    from tui_reader.config import key_line

    warnings = []
    for index, account in enumerate(config.accounts):
        if account.password:
            line = key_line(text, ("accounts", index, "password"))
            warnings.append(
                _(
                    "{file}:{line}: accounts[{n}].password: warning: the file is readable by "
                    "other users; chmod 600 it, or use password_command or password_env"
                ).format(file=path, line=line, n=index + 1)
            )
    return warnings


# --------------------------------------------------------------------------- secrets


def resolve_password(account: AccountConfig, environ: dict[str, str] | None = None) -> Secret:
    """The account's password; `SyncError` (one line, no secret) when it cannot be had."""
    if account.password:
        return Secret(account.password)
    if account.password_env:
        env = os.environ if environ is None else environ
        value = env.get(account.password_env, "")
        if not value:
            raise SyncError(
                _("environment variable {name} (password_env) is not set").format(
                    name=account.password_env
                )
            )
        return Secret(value)
    if account.password_command:
        argv = list(account.password_command)
        try:
            done = subprocess.run(
                argv,
                capture_output=True,
                timeout=_COMMAND_TIMEOUT,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise SyncError(
                _("password_command: {program} not found").format(program=Path(argv[0]).name)
            ) from None
        except subprocess.TimeoutExpired:
            raise SyncError(_("password_command took more than 30 s")) from None
        except OSError as exc:
            raise SyncError(
                _("password_command could not run ({reason})").format(
                    reason=exc.strerror or type(exc).__name__
                )
            ) from None
        if done.returncode != 0:
            raise SyncError(
                _("password_command failed (exit status {code})").format(code=done.returncode)
            )
        lines = done.stdout.decode("utf-8", "replace").splitlines()
        value = lines[0].strip() if lines else ""
        if not value:
            raise SyncError(_("password_command printed no password"))
        return Secret(value)
    raise SyncError(_("no password configured"))
