"""`[[views]]`, `[[rules]]`, `[[hooks]]` and per-feed `refresh_interval` in the config."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui_reader.config import (
    EMBEDDED_DEFAULT_TOML,
    ConfigError,
    add_view,
    config_from_text,
    load_config,
    problems_for_text,
    remove_feed,
)
from tui_reader.models import HookConfig, RuleConfig, ViewConfig

FEED = '[[feeds]]\nname = "A"\nurl = "https://a.example/feed"\n'


def problems(text: str) -> list[str]:
    return [str(problem) for problem in problems_for_text(text, "c.toml")]


def test_valid_views_rules_hooks_and_interval() -> None:
    config = config_from_text(
        FEED
        + "refresh_interval = 5\n"
        + '\n[[views]]\nname = "Sécu"\nquery = "+securite is:unread"\nnotify = true\n'
        + '\n[[rules]]\nquery = "=Clubic bon plan"\naction = "hide"\n'
        + '\n[[rules]]\nquery = "openssl"\naction = "tag:securite"\n'
        + '\n[[hooks]]\nquery = "+securite"\ncommand = ["sh", "-c", "cat"]\ntimeout = 2.5\n',
        "c.toml",
    )
    assert config.feeds[0].refresh_interval == 5
    assert config.views == (ViewConfig("Sécu", "+securite is:unread", True),)
    assert config.rules == (
        RuleConfig("=Clubic bon plan", "hide"),
        RuleConfig("openssl", "tag:securite"),
    )
    assert config.hooks == (HookConfig("+securite", ("sh", "-c", "cat"), 2.5),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[rules]]\nquery = "is:nope"\naction = "hide"\n',
            r"c.toml:2: rules\[1\].query: .*is:nope",
        ),
        ('[[rules]]\nquery = "x"\naction = "delete"\n', r"c.toml:3: rules\[1\].action: unknown"),
        ('[[rules]]\nquery = "x"\naction = "tag:"\n', r"c.toml:3: rules\[1\].action: .*one word"),
        ('[[rules]]\naction = "read"\n', r"c.toml:1: rules\[1\].query: missing"),
        ('[[rules]]\nquery = "@soon"\naction = "read"\n', r"rules\[1\].query: .*not an age"),
        ('[[rules]]\nquery = "  "\naction = "read"\n', r"rules\[1\].query: .*empty query"),
        ('[[views]]\nname = "V"\nquery = "\\"open"\n', r"c.toml:3: views\[1\].query: .*quote"),
        ('[[views]]\nquery = "x"\n', r"c.toml:1: views\[1\].name: missing"),
        ('[[views]]\nname = "V"\nquery = "x"\nnotify = "yes"\n', r"c.toml:4: views\[1\].notify"),
        (
            '[[views]]\nname = "V"\nquery = "x"\ncolour = 1\n',
            r"c.toml:4: views\[1\].colour: unknown",
        ),
        (
            '[[hooks]]\nquery = "x"\ncommand = "notify-send"\n',
            r"c.toml:3: hooks\[1\].command: .*array",
        ),
        ('[[hooks]]\nquery = "x"\ncommand = []\n', r"hooks\[1\].command: .*non-empty"),
        ('[[hooks]]\nquery = "x"\ncommand = ["a", 1]\n', r"hooks\[1\].command: argument #2"),
        ('[[hooks]]\nquery = "x"\ncommand = ["a"]\ntimeout = 0\n', r"c.toml:4: hooks\[1\].timeout"),
        ("views = 3\n", r"c.toml:1: views: must be an array of tables"),
        (FEED + "refresh_interval = -1\n", r"c.toml:4: feeds\[1\].refresh_interval: -1 is out"),
    ],
)
def test_bad_entries_are_reported_with_their_line(text: str, expected: str) -> None:
    found = problems(text)
    assert found, text
    assert re.search(expected, found[0]), found


def test_duplicate_view_names_are_reported() -> None:
    text = '[[views]]\nname = "V"\nquery = "a"\n\n[[views]]\nname = "v"\nquery = "b"\n'
    (problem,) = problems(text)
    assert problem.startswith("c.toml:6: views[2].name: duplicate view name")
    assert "line 2" in problem


def test_example_sections_validate_once_uncommented() -> None:
    start = EMBEDDED_DEFAULT_TOML.index("# [[views]]")
    section = EMBEDDED_DEFAULT_TOML[start:]
    pattern = re.compile(r"# (\[\[\w+\]\]|[a-z_]+ = .*)")
    uncommented = "\n".join(
        match.group(1) for line in section.splitlines() if (match := pattern.fullmatch(line))
    )
    config = config_from_text(uncommented, "example")
    assert [view.name for view in config.views] == ["Sécurité"]
    assert [rule.action for rule in config.rules] == ["hide"]
    assert config.hooks[0].command == ("sh", "-c", "cat >> ~/alertes.jsonl")


COMMENTED = """# head comment
[settings]
theme = "nord"  # my theme

[[feeds]]
name = "A"
url = "https://a.example/feed"
# about A

[[feeds]]
name = "B"
url = "https://b.example/feed"

# [keys] would go here
"""


def test_remove_feed_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    assert remove_feed(path, "b").name == "B"
    assert path.read_text(encoding="utf-8") == COMMENTED.replace(
        '[[feeds]]\nname = "B"\nurl = "https://b.example/feed"\n\n', ""
    )
    assert remove_feed(path, "A").url == "https://a.example/feed"
    text = path.read_text(encoding="utf-8")
    assert "# head comment" in text and 'theme = "nord"  # my theme' in text
    assert "# [keys] would go here" in text and "[[feeds]]" not in text
    with pytest.raises(KeyError):
        remove_feed(path, "A")


def test_add_view_appends_keeping_comments(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    add_view(path, "Unread tech", "+tech is:unread")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(COMMENTED)
    assert load_config(path).views == (ViewConfig("Unread tech", "+tech is:unread"),)
    before = path.read_bytes()
    with pytest.raises(ValueError, match="already exists"):
        add_view(path, "unread TECH", "x")
    with pytest.raises(ValueError, match="unknown"):
        add_view(path, "Other", "is:whatever")
    assert path.read_bytes() == before


def test_remove_feed_refuses_a_broken_config(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(FEED + "bogus = 1\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(ConfigError):
        remove_feed(path, "A")
    assert path.read_bytes() == before
