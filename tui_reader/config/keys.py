"""Key names in `[keys]`: Textual's names, canonical form, comma-separated lists.

A minimal rule, kept here on purpose rather than asking Textual at run time: Textual's public
API has no function that validates or normalizes a key name (`_character_to_key` and
`_normalize_key_list` are private), and the conflict check reads every default binding at each
load, so asking Textual would load it in the headless CLI. The rule is: optional modifiers
(`ctrl`, `alt`, `meta`, `super`, `hyper`, `shift`, each once) joined by `+` to one printable
character, one of `_SPECIAL_KEYS`, or the Unicode-derived name of an ASCII punctuation mark
(`question_mark`, `slash`). `tests/test_config_schema.py` checks these names against Textual's
public `textual.keys.Keys` and `key_to_character`.
"""

from __future__ import annotations

import unicodedata

# Textual key names (textual.keys): the special keys and the names of ASCII punctuation.
_SPECIAL_KEYS = frozenset(
    {
        "escape",
        "enter",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
    }
    | {f"f{number}" for number in range(1, 25)}
)
_MODIFIERS = ("ctrl", "alt", "meta", "super", "hyper", "shift")
_KEY_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def _character_to_key(character: str) -> str:
    """Textual's name for a one-character key (`?` → `question_mark`), as textual.keys does."""
    if character.isalnum():
        return character
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return character
    return _KEY_NAME_REPLACEMENTS.get(name, name)


_PUNCTUATION_NAMES = frozenset(_character_to_key(ch) for ch in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _parse_key(part: str) -> str | None:
    """The canonical form of one Textual key (`ctrl+x`, `B`, `?`), or None when invalid."""
    if len(part) == 1:
        return _character_to_key(part) if part.isprintable() and not part.isspace() else None
    *modifiers, base = part.split("+")
    if not base or any(modifier not in _MODIFIERS for modifier in modifiers):
        return None
    if len(set(modifiers)) != len(modifiers):
        return None
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            return None
        base = _character_to_key(base)
    elif base not in _SPECIAL_KEYS and base not in _PUNCTUATION_NAMES:
        return None
    ordered = [modifier for modifier in _MODIFIERS if modifier in modifiers]
    return "+".join([*ordered, base])


def key_names(keys: str) -> list[str] | None:
    """Canonical names of a comma-separated Textual key list, or None when any is invalid."""
    names: list[str] = []
    for part in keys.split(","):
        name = _parse_key(part)
        if name is None:
            return None
        if name not in names:
            names.append(name)
    return names
