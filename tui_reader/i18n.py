"""The one translation function: every string a user reads goes through `_` or `ngettext`.

Catalogues (`fr`, `en`) are compiled into the package at build time (`hatch_build.py`, or
`python tools/i18n.py compile` in a checkout). Until `set_language` is called the strings come
back as written (English). The language is chosen before any UI module is imported: the CLI
calls `set_language` first thing, because Textual bindings are built at import time.

Strings that must be defined before the language is known (the action table) are marked with
`N_` (found by extraction, returned untranslated) and translated with `_` where they are shown.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "tui_reader"
LOCALE_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES: tuple[str, ...] = ("en", "fr")
LANGUAGE_SETTINGS: tuple[str, ...] = ("auto", *LANGUAGES)
LOCALE_VARIABLES: tuple[str, ...] = ("LC_ALL", "LC_MESSAGES", "LANG")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    """Translate `message` into the user's language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message with a count: "1 item" / "2 items", the way each language writes it."""
    return _translation.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now (translate it with `_` later)."""
    return message


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """ "fr" or "en" from LC_ALL, LC_MESSAGES, LANG (the first one set and non-empty wins).

    `fr`, `fr_FR.UTF-8`, `fr_CA`, `fr-BE@euro` → "fr"; `C`, `POSIX` and anything else → "en".
    No system locale needs to be installed: only the variable's text is read.
    """
    env = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = env.get(variable, "").strip()
        if value:
            code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


def resolve_language(setting: str, environ: Mapping[str, str] | None = None) -> str:
    """The language for a `language` setting: "fr"/"en" as given, "auto" from the environment."""
    if setting in LANGUAGES:
        return setting
    return language_from_env(environ)


def set_language(setting: str, environ: Mapping[str, str] | None = None) -> str:
    """Switch every later `_`/`ngettext` call to `setting` ("auto", "fr" or "en").

    Returns the language chosen. A missing catalogue falls back to the English text.
    """
    global _translation, _language
    language = resolve_language(setting, environ)
    _translation = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True
    )
    _language = language
    return language


def current_language() -> str:
    """The language in use ("en" until `set_language` is called)."""
    return _language
