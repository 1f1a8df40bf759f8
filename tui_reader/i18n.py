"""The one translation function: every string a user reads goes through `_` or `ngettext`.

Catalogues (`fr`, `en`) are compiled into the package at build time; until `set_language` is
called the strings come back as written (English).
"""

from __future__ import annotations

import gettext

_translation: gettext.NullTranslations = gettext.NullTranslations()


def _(message: str) -> str:
    """Translate `message` into the user's language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message with a count: "1 item" / "2 items", the way each language writes it."""
    return _translation.ngettext(singular, plural, count)
