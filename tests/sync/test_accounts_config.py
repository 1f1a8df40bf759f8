"""`[[accounts]]` validation: every problem as FILE:LINE: key: message."""

from __future__ import annotations

from pathlib import Path

from tui_reader.config import EMBEDDED_DEFAULT_TOML, config_from_text, problems_for_text
from tui_reader.models import AccountConfig

GOOD = """
[[accounts]]
name = "maison"
kind = "fever"
url = "https://rss.example.org/api/fever.php"
username = "me"
password_command = ["pass", "show", "rss"]
tags = ["maison"]

[[accounts]]
name = "travail"
kind = "greader"
url = "https://rss.example.com/api/greader.php"
username = "me"
password_env = "RSS_PASSWORD"
"""


def test_valid_accounts() -> None:
    config = config_from_text(GOOD, "c.toml")
    assert config.accounts == (
        AccountConfig(
            name="maison",
            kind="fever",
            url="https://rss.example.org/api/fever.php",
            username="me",
            password_command=("pass", "show", "rss"),
            tags=("maison",),
        ),
        AccountConfig(
            name="travail",
            kind="greader",
            url="https://rss.example.com/api/greader.php",
            username="me",
            password_env="RSS_PASSWORD",
        ),
    )


def test_the_commented_example_is_valid() -> None:
    start = EMBEDDED_DEFAULT_TOML.index("# [[accounts]]")
    block = []
    for line in EMBEDDED_DEFAULT_TOML[start:].splitlines():
        if not line.startswith("# "):
            break
        block.append(line[2:])
    config = config_from_text("\n".join(block), "example")
    assert [account.name for account in config.accounts] == ["maison"]


def test_every_problem_names_file_line_and_key() -> None:
    text = """[[accounts]]
name = "maison"
kind = "feverr"
url = "ftp://example.org/"
username = 3
password = "x"
password_env = "Y"
colour = "red"

[[accounts]]
name = "Maison"
kind = "greader"
url = "https://example.org/"
username = "me"

[[accounts]]
name = "c"
kind = "fever"
url = "https://example.org/"
username = "me"
password_command = "pass show rss"
"""
    problems = [str(problem) for problem in problems_for_text(text, "c.toml")]
    assert problems == [
        'c.toml:3: accounts[1].kind: expected "fever" or "greader", got \'feverr\'',
        "c.toml:4: accounts[1].url: unsupported URL scheme 'ftp' (only http and https)",
        "c.toml:5: accounts[1].username: expected a string, got integer 3",
        "c.toml:6: accounts[1].password: give only one of password_command, password_env "
        "and password",
        "c.toml:8: accounts[1].colour: unknown key; expected one of: name, kind, url, username, "
        "password_command, password_env, password, tags",
        "c.toml:10: accounts[2]: missing a password: give password_command, password_env or "
        "password",
        "c.toml:11: accounts[2].name: duplicate account name 'Maison': accounts[1] has it too",
        "c.toml:21: accounts[3].password_command: expected a non-empty array of strings like "
        '["pass", "show", "rss"]',
    ]


def test_a_bad_password_value_is_never_echoed(tmp_path: Path) -> None:
    problems = problems_for_text(
        '[[accounts]]\nname = "a"\nkind = "fever"\nurl = "https://e.org/"\nusername = "u"\n'
        "password = 1234567\n",
        "c.toml",
    )
    assert [str(p) for p in problems] == [
        "c.toml:6: accounts[1].password: expected a non-empty string"
    ]
