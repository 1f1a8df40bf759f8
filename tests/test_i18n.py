"""French and English: language choice, catalogue completeness, plurals, dates and the CLI."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import string
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest

from tui_reader import i18n
from tui_reader.actions import ACTIONS
from tui_reader.cli import main
from tui_reader.config import problems_for_text
from tui_reader.dates import french_date, list_date, long_date
from tui_reader.i18n import _, language_from_env, ngettext, set_language

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "tui_reader"


def load_tool() -> ModuleType:
    """`tools/i18n.py`, the one-command extract/update/compile/check script."""
    spec = importlib.util.spec_from_file_location("i18n_tool", REPO / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- choosing the language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr"}, "fr"),
        ({"LANG": "fr_CA"}, "fr"),
        ({"LANG": "fr_BE@euro"}, "fr"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({}, "en"),
        # LC_ALL, then LC_MESSAGES, then LANG: the first non-empty one wins.
        ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_ALL": "fr_FR.UTF-8", "LANG": "C"}, "fr"),
        ({"LC_ALL": "", "LC_MESSAGES": "fr_FR.UTF-8", "LANG": "C"}, "fr"),
        ({"LC_MESSAGES": "C.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "fr_FR.UTF-8"}, "fr"),
    ],
)
def test_language_from_environment(environ: dict[str, str], expected: str) -> None:
    assert language_from_env(environ) == expected


def test_set_language_switches_every_later_call() -> None:
    assert set_language("fr") == "fr"
    assert _("Quit") == "Quitter"
    assert _("Help") == "Aide"
    assert set_language("en") == "en"
    assert _("Quit") == "Quit"
    # "auto" reads the environment; a forced language ignores it.
    assert set_language("auto", {"LANG": "fr_FR.UTF-8"}) == "fr"
    assert _("Quit") == "Quitter"
    assert set_language("en", {"LANG": "fr_FR.UTF-8"}) == "en"
    assert _("Quit") == "Quit"


def test_no_system_locale_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    # A locale that no machine has installed still selects the French catalogue.
    monkeypatch.setenv("LANG", "fr_ZZ.UTF-8")
    assert set_language("auto") == "fr"
    assert _("Bookmarks") == "Favoris"


def test_french_plurals_zero_and_one_are_singular() -> None:
    set_language("fr")
    assert ngettext("{n} item", "{n} items", 0).format(n=0) == "0 article"
    assert ngettext("{n} item", "{n} items", 1).format(n=1) == "1 article"
    assert ngettext("{n} item", "{n} items", 2).format(n=2) == "2 articles"
    set_language("en")
    assert ngettext("{n} item", "{n} items", 1).format(n=1) == "1 item"
    assert ngettext("{n} item", "{n} items", 2).format(n=2) == "2 items"
    assert ngettext("{n} item", "{n} items", 0).format(n=0) == "0 items"


# --- the catalogues ----------------------------------------------------------------------


def test_every_string_of_the_code_is_translated_in_french() -> None:
    tool = load_tool()
    assert tool.problems("fr") == []


def test_the_check_fails_for_a_string_missing_from_the_catalogue(tmp_path: Path) -> None:
    tool = load_tool()
    (tmp_path / "new_module.py").write_text(
        'from tui_reader.i18n import _\n\nMESSAGE = _("A string nobody translated yet")\n',
        encoding="utf-8",
    )
    found = tool.problems("fr", source=tmp_path)
    assert found == ["fr: not in the catalogue: 'A string nobody translated yet'"]


def test_every_action_of_the_table_is_translated() -> None:
    # Rows added to ACTIONS without N_() escape extraction: this catches them.
    set_language("fr")
    untranslated = [a.description for a in ACTIONS if a.title == a.description]
    assert untranslated in ([], ["Palette"])  # "Palette" is French too


def test_translations_keep_the_placeholders() -> None:
    tool = load_tool()
    catalogue = tool.read_catalogue("fr")
    fields = string.Formatter()

    def names(text: str) -> set[str]:
        return {name for _, name, _, _ in fields.parse(text) if name is not None}

    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(names(text) for text in ids))
        for text in strings:
            assert names(text) <= expected, (message.id, text)
            if len(ids) == 1:
                assert names(text) == expected, (message.id, text)


def test_no_f_string_is_passed_to_gettext() -> None:
    pattern = re.compile(r"\b(?:_|ngettext|N_)\(\s*f[\"']")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in PACKAGE.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_compiled_catalogues_are_where_gettext_looks() -> None:
    for language in ("fr", "en"):
        assert (i18n.LOCALE_DIR / language / "LC_MESSAGES" / "tui_reader.mo").is_file()


# --- dates and reading time --------------------------------------------------------------


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def test_french_dates(utc: None) -> None:
    now = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    assert french_date("2026-11-27T13:30:00+00:00", now) == "il y a 3 h"
    assert french_date("2026-11-27T16:10:00+00:00", now) == "il y a 20 min"
    assert french_date("2026-11-26T13:30:00+00:00", now) == "26 nov. 13:30"
    assert french_date("2026-09-02T08:05:00+00:00", now) == "2 sept. 08:05"
    assert french_date("2025-11-27T13:30:00+00:00", now) == "27 nov. 2025"
    assert french_date("not a date", now) == ""


def test_dates_follow_the_language(utc: None) -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    stamp = "2026-11-27T13:30:00+00:00"
    assert list_date(stamp, now) == "11-27 13:30"
    assert long_date(stamp, now) == "2026-11-27 13:30"
    set_language("fr")
    assert list_date(stamp, now) == "27 nov. 13:30"
    assert long_date(stamp, now) == "27 nov. 13:30"
    assert long_date((now - timedelta(hours=2)).isoformat(), now) == "il y a 2 h"


def test_reading_time_in_french() -> None:
    from tui_reader.models import Article
    from tui_reader.ui.screens.main import article_text

    article = Article(
        id=1,
        feed="Feed",
        feed_url="https://example.org/feed",
        title="T",
        link="https://example.org/a",
        author="",
        published="2026-11-27T13:30:00+00:00",
        tags=(),
        read=False,
        bookmarked=False,
        summary="",
        body=" ".join(["mot"] * 400),
    )
    assert article_text(article)[1].startswith("2 min read")
    set_language("fr")
    assert article_text(article)[1].startswith("2 min de lecture")


# --- config ------------------------------------------------------------------------------


def test_language_setting_is_checked() -> None:
    assert problems_for_text('[settings]\nlanguage = "fr"\n') == []
    assert problems_for_text('[settings]\nlanguage = "auto"\n') == []
    (problem,) = problems_for_text('[settings]\nlanguage = "de"\n')
    assert problem.key == "settings.language"
    assert problem.message == 'expected "auto", "fr" or "en", got string "de"'


def test_config_problems_are_reported_in_french(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    config = tmp_path / "config.toml"
    config.write_text("[settings]\nkeep_days = -1\n", encoding="utf-8")
    assert main(["--config", str(config), "check-config"]) == 2
    err = capsys.readouterr().err
    assert "settings.keep_days: -1 est hors limites ; utilisez 0..36500" in err


# --- the CLI -----------------------------------------------------------------------------


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TUI_READER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TUI_READER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    return tmp_path


def test_refresh_speaks_french_with_a_french_lang(isolated: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert main(["--demo", "refresh"]) == 0
    out = capsys.readouterr().out
    last = out.strip().splitlines()[-1]
    assert re.fullmatch(r"5 flux, 4\d nouveaux articles, 0 en échec en \d+,\d s", last), last
    assert "nouveaux" in out


def test_refresh_speaks_english_with_c_utf8(isolated: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert main(["--demo", "refresh"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(r"5 feeds, 4\d new items, 0 failed in \d+\.\d s", last), last


def test_json_output_is_not_translated(isolated: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert main(["--demo", "refresh", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) == {"feeds", "new_items", "elapsed_s", "accounts", "full_text"}
    assert {feed["status"] for feed in summary["feeds"]} == {"ok"}
    assert set(summary["feeds"][0]) == {"name", "url", "status", "new_items", "error"}


def test_config_language_overrides_the_environment(isolated: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    config = isolated / "config.toml"
    config.write_text('[settings]\nlanguage = "en"\n', encoding="utf-8")
    assert main(["check-config"]) == 0
    assert capsys.readouterr().out == f"{config}: OK (0 feeds)\n"
    # ... and --help, built before the config is loaded, follows it too.
    with pytest.raises(SystemExit):
        main(["--config", str(config), "--help"])
    assert "show this help message and exit" in capsys.readouterr().out

    monkeypatch.setenv("LANG", "C.UTF-8")
    config.write_text('[settings]\nlanguage = "fr"\n', encoding="utf-8")
    assert main(["check-config"]) == 0
    assert capsys.readouterr().out == f"{config} : OK (0 flux)\n"


def test_help_is_translated(isolated: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : tui-reader")
    assert "afficher cette aide et quitter" in out
    assert "actualiser les flux sans interface" in out
    with pytest.raises(SystemExit):
        main(["headlines", "--help"])
    assert "seulement les articles non lus" in capsys.readouterr().out

    monkeypatch.setenv("LANG", "C.UTF-8")
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: tui-reader")
    assert "fetch feeds headlessly" in out


def test_bindings_are_translated_when_the_cli_imports_the_ui() -> None:
    # A fresh interpreter, as a user starts it: the language is chosen before any UI import.
    code = (
        "import sys\n"
        "from tui_reader.cli import choose_language\n"
        "assert not any(name.startswith('tui_reader.ui') for name in sys.modules)\n"
        "choose_language(['--demo'])\n"
        "from tui_reader.ui.screens.main import MainScreen\n"
        "print([b.description for b in MainScreen.BINDINGS if b.id in ('help', 'quit')])\n"
    )
    env = {**os.environ, "LANG": "fr_FR.UTF-8"}
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['Aide', 'Quitter']"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr_FR.UTF-8", "tui-reader show : erreur : arguments obligatoires manquants : ID"),
        ("C.UTF-8", "tui-reader show: error: the following arguments are required: ID"),
    ],
)
def test_usage_errors_follow_the_language(
    isolated: Path, capsys, monkeypatch, lang: str, expected: str
) -> None:
    monkeypatch.setenv("LANG", lang)
    with pytest.raises(SystemExit) as exit_info:
        main(["show"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == expected


def test_show_prints_reading_time_and_date_in_french(isolated: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    data = ["--demo", "--data-dir", str(isolated / "data")]
    assert main([*data, "refresh"]) == 0
    capsys.readouterr()
    assert main([*data, "headlines", "--json", "--search", "tiktok"]) == 0
    (article,) = json.loads(capsys.readouterr().out)
    assert main([*data, "show", str(article["id"])]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\d+ min de lecture", out), out[:300]
    assert re.search(r"\b\d{1,2} (nov|déc)\. ", out) or "il y a" in out, out[:300]
