"""Textual's own words in the palette (its system commands and the prompt), in the user's
language: `App.get_system_commands` is Textual's documented hook for these commands, and
`CommandPalette` takes its placeholder as an argument."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.app import SystemCommand

from tui_reader.i18n import N_, _

PALETTE_PLACEHOLDER = N_("Search for commands…")

TEXTUAL_SYSTEM_COMMANDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)
"""Titles and help texts of Textual 8.2's system commands, as Textual writes them; one that
a later Textual adds or rewords shows in English."""


def translated_system_commands(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """The same commands, titles and help texts translated where the catalogue knows them."""
    for command in commands:
        yield command._replace(title=_(command.title), help=_(command.help))
