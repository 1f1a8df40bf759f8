"""Translation chores in one command: `python tools/i18n.py extract|update|compile|check|all`.

- extract: every `_()`, `ngettext()`, `N_()` string of the package → locales/tui_reader.pot
- update:  merge the template into the fr and en catalogues (.po), dropping obsolete entries
- compile: .po → .mo (the build hook does the same for wheels and `pip install -e .`)
- check:   fail (exit 1) when a string of the code is missing, untranslated or fuzzy in fr
- all:     extract, update, compile, check

After `update`, translate the new (empty) and fuzzy entries of
tui_reader/locales/fr/LC_MESSAGES/tui_reader.po, then run `compile` and `check`.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tui_reader"
LOCALES = PACKAGE / "locales"
TEMPLATE = LOCALES / "tui_reader.pot"
DOMAIN = "tui_reader"
LANGUAGES = ("fr", "en")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
MAPPING = [("**.py", "python")]


def babel(*args: str) -> None:
    """Run a `pybabel` command (Babel's own command line)."""
    previous = Path.cwd()
    os.chdir(ROOT)  # relative paths in the catalogues' location comments
    try:
        CommandLineInterface().run(["pybabel", "-q", *args])
    finally:
        os.chdir(previous)


def package_version() -> str:
    text = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    return text.split("__version__ = ")[1].split()[0].strip("\"'")


def extract() -> None:
    LOCALES.mkdir(exist_ok=True)
    babel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "N_",
        "--no-wrap",
        "--sort-output",
        "--add-location=file",
        "--project=tui-reader",
        "--copyright-holder=tui-reader contributors",
        "--msgid-bugs-address=https://github.com/tui-reader/tui-reader/issues",
        f"--version={package_version()}",
        "-o",
        str(TEMPLATE.relative_to(ROOT)),
        ".",
    )


def update() -> None:
    for language in LANGUAGES:
        po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        command = "update" if po.exists() else "init"
        args = ["-i", str(TEMPLATE), "-d", str(LOCALES), "-D", DOMAIN, "-l", language]
        if command == "update":
            args += ["--ignore-obsolete", "--no-wrap"]
        else:
            args += ["--no-wrap"]
        babel(command, *args)


def compile_catalogues() -> None:
    """The same compilation as the build hook (`hatch_build.py`), by Babel's command line."""
    babel("compile", "-d", str(LOCALES.relative_to(ROOT)), "-D", DOMAIN, "--statistics")


def code_messages(source: Path = PACKAGE) -> set[str]:
    """The msgids the code under `source` uses now (extracted in memory, nothing written)."""
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(source), MAPPING, keywords=KEYWORDS, comment_tags=()
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def read_catalogue(language: str) -> Catalog:
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    return read_po(io.BytesIO(po.read_bytes()), locale=language)


def problems(language: str = "fr", source: Path = PACKAGE) -> list[str]:
    """Why the `language` catalogue does not cover the code (empty: it does)."""
    catalogue = read_catalogue(language)
    found: list[str] = []
    for msgid in sorted(code_messages(source)):
        message = catalogue.get(msgid)
        if message is None:
            found.append(f"{language}: not in the catalogue: {msgid!r}")
        elif message.fuzzy:
            found.append(f"{language}: fuzzy: {msgid!r}")
        elif not (all(message.string) if isinstance(message.string, tuple) else message.string):
            found.append(f"{language}: not translated: {msgid!r}")
    return found


def check() -> int:
    found = problems("fr")
    for line in found:
        print(line)
    if found:
        print(
            f"{len(found)} problem(s): run `python tools/i18n.py extract update`, translate "
            "tui_reader/locales/fr/LC_MESSAGES/tui_reader.po, then `compile`."
        )
        return 1
    print("fr catalogue: every string of the code is translated")
    return 0


def main(argv: list[str]) -> int:
    commands = argv or ["all"]
    for command in commands:
        if command == "all":
            extract()
            update()
            compile_catalogues()
            return check()
        if command == "extract":
            extract()
        elif command == "update":
            update()
        elif command == "compile":
            compile_catalogues()
        elif command == "check":
            return check()
        else:
            print(__doc__)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
