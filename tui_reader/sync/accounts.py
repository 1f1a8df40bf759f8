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
from typing import TYPE_CHECKING, Any

from tui_reader.config.schema import ACCOUNTS
from tui_reader.i18n import _
from tui_reader.models import AccountConfig, Config

if TYPE_CHECKING:
    from tui_reader.config import _Checker
    from tui_reader.config.problems import Path_
    from tui_reader.config.schema import Field

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


def check_accounts(checker: _Checker, document: dict[str, Any]) -> tuple[AccountConfig, ...]:
    """Validate `[[accounts]]` against the schema's `ACCOUNTS`, with the config checker's
    problem list and line numbers; then duplicate names and the one-password rule."""
    from tui_reader.config.fields import check_entry, entries

    result: list[AccountConfig] = []
    names: dict[str, int] = {}
    for index, entry in entries(checker, document, "accounts"):
        base = ("accounts", index)
        before = len(checker.problems)
        values = check_entry(checker, base, entry, ACCOUNTS, _ACCOUNT_CHECKS)
        name = values.get("name")
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
        if len(checker.problems) > before:
            continue
        result.append(AccountConfig(**values))
    return tuple(result)


def _check_kind(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    from tui_reader.config.fields import check_name

    kind = check_name(checker, path, field, value, table)
    if kind is not None and kind not in field.choices:
        checker.add(path, _(field.wrong).format(value=repr(kind)))
        return None
    return kind


def _check_url(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    from tui_reader.config.fields import check_name
    from tui_reader.urls import url_problem

    url = check_name(checker, path, field, value, table)
    reason = None if url is None else url_problem(url)
    if reason is not None:
        checker.add(path, reason)
        return None
    return url


def _check_command(checker: _Checker, path: Path_, field: Field, value: object, table: str) -> Any:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(part, str) and part for part in value)
    ):
        checker.add(path, _('expected a non-empty array of strings like ["pass", "show", "rss"]'))
        return None
    return tuple(value)


_ACCOUNT_CHECKS = {"kind": _check_kind, "url": _check_url, "password_command": _check_command}


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
