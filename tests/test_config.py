"""Config loading, validation (file, line, key for every problem), paths and writing."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tui_reader.actions import ACTIONS
from tui_reader.config import (
    EMBEDDED_DEFAULT_TOML,
    THEMES,
    ConfigError,
    Problem,
    add_feeds,
    key_names,
    load_config,
    normalize_url,
    problems_for_text,
    write_starter_config,
)
from tui_reader.models import Config, FeedConfig, Settings
from tui_reader.paths import (
    config_write_path,
    default_config_path,
    resolve_config_path,
    resolve_data_dir,
)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "data" / "config"


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problem_lines(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return [str(problem) for problem in caught.value.problems]


def only_problem(path: Path) -> str:
    lines = problem_lines(path)
    assert len(lines) == 1, lines
    return lines[0]


FEED = '[[feeds]]\nname = "A"\nurl = "https://a.example/feed"\n'


# --------------------------------------------------------------------------- the example


def test_example_config_is_the_embedded_default_byte_for_byte() -> None:
    packaged = REPO / "tui_reader" / "default_config.toml"
    assert (REPO / "config.example.toml").read_bytes() == packaged.read_bytes()
    assert packaged.read_text(encoding="utf-8") == EMBEDDED_DEFAULT_TOML


def test_example_config_loads_and_equals_embedded_default() -> None:
    example = load_config(REPO / "config.example.toml")
    embedded = load_config(None)
    assert embedded.path is None
    assert example.path == REPO / "config.example.toml"
    assert example.settings == embedded.settings == Settings()
    assert example.feeds == embedded.feeds
    assert example.keys == embedded.keys == {}
    assert 10 <= len(embedded.feeds) <= 14
    assert all("fr" in feed.tags for feed in embedded.feeds)
    assert all(feed.url.startswith("https://") for feed in embedded.feeds)


def test_example_documents_every_setting_with_a_comment() -> None:
    lines = EMBEDDED_DEFAULT_TOML.splitlines()
    for name in Settings.__slots__:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{name} ="))
        assert lines[index - 1].startswith("#"), name
    assert "0 = never purge" in EMBEDDED_DEFAULT_TOML
    assert '# bookmark = "b"' in EMBEDDED_DEFAULT_TOML


def test_themes_match_textual_builtin_themes() -> None:
    from textual.theme import BUILTIN_THEMES

    assert set(BUILTIN_THEMES) == THEMES


def test_core_config_does_not_import_textual_or_rich() -> None:
    code = (
        "import sys, tui_reader.config, tui_reader.paths, tui_reader.opml;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- valid configs


def test_full_config_loads_with_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[settings]
refresh_interval = 0
concurrency = 64
timeout = 2.5
max_feed_bytes = 1_000
full_articles = "never"
keep_days = 0
theme = "nord"

[[feeds]]
name = "Ex"
url = "https://ex.example/rss"
tags = ["tech", "fr"]
full_articles = "always"

[keys]
bookmark = "x,ctrl+b"
help = "question_mark,f1"
""",
    )
    config = load_config(path)
    assert config == Config(
        settings=Settings(0, 64, 2.5, 1000, "never", 0, "nord"),
        feeds=(FeedConfig("Ex", "https://ex.example/rss", ("tech", "fr"), "always"),),
        keys={"bookmark": "x,ctrl+b", "help": "question_mark,f1"},
        path=path,
    )


def test_empty_file_is_all_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.settings == Settings()
    assert config.feeds == ()


def test_integer_timeout_is_accepted_as_float(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[settings]\ntimeout = 300\n"))
    assert config.settings.timeout == 300.0


def test_utf8_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + FEED.encode())
    assert load_config(path).feeds[0].name == "A"


def test_fixture_with_comments_and_dotted_keys_loads() -> None:
    config = load_config(FIXTURES / "valid.toml")
    assert config.settings.concurrency == 4
    assert [feed.name for feed in config.feeds] == ['Quotes "and" # hash', "Multi"]
    assert config.feeds[1].tags == ("a] [keys] = 1", "b")


def test_fixture_problem_lines_after_tricky_strings() -> None:
    text = (FIXTURES / "valid.toml").read_text().replace('"never"', '"sometimes"')
    text = text.replace("settings.concurrency = 4", "settings.concurrency = 99")
    found = [str(problem).split(": ")[:2] for problem in problems_for_text(text, "v")]
    assert found == [["v:2", "settings.concurrency"], ["v:17", "feeds[2].full_articles"]]


# --------------------------------------------------------------------------- one test per problem


def test_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"
    assert only_problem(path).startswith(f"{path}:1: file: file not found")


def test_path_is_a_directory(tmp_path: Path) -> None:
    assert only_problem(tmp_path).startswith(f"{tmp_path}:1: file: cannot read the file")


def test_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[settings]\ntheme = "nord"\n# caf\xe9\n')
    assert only_problem(path).startswith(f"{path}:3: file: not valid UTF-8")


# Each row: a config, then the one problem it has as "LINE: KEY: message" (the file name
# comes first in the real line) and words the message must also hold.
PROBLEMS = [
    pytest.param(
        '[settings]\nconcurrency = 4\ntheme = "nord\n', "3: syntax: invalid TOML", (), id="toml"
    ),
    pytest.param(
        FEED + "\n[setings]\nconcurrency = 4\n",
        "5: setings: unknown table",
        ("did you mean 'settings'?",),
        id="unknown-table",
    ),
    pytest.param('theme = "nord"\n', "1: theme: unknown key", (), id="unknown-top-key"),
    pytest.param(
        "[settings]\nconcurrency = 4\nrefresh = 5\n",
        "3: settings.refresh: unknown key",
        (),
        id="unknown-settings-key",
    ),
    pytest.param(
        FEED + FEED.replace("A", "B").replace("a.ex", "b.ex") + "titel = 1\n",
        "7: feeds[2].titel: unknown key",
        (),
        id="unknown-feed-key",
    ),
    pytest.param(
        '[keys]\nbookmrk = "x"\n',
        "2: keys.bookmrk: unknown action",
        ("did you mean 'bookmark'?",),
        id="unknown-action",
    ),
    pytest.param(
        "[settings]\nconcurrency = true\n",
        "2: settings.concurrency: expected an integer",
        ("boolean true",),
        id="bool-not-int",
    ),
    pytest.param(
        "[settings]\nkeep_days = 1.5\n",
        "2: settings.keep_days: expected an integer",
        (),
        id="float-not-int",
    ),
    pytest.param(
        '[settings]\ntimeout = "15"\n', "2: settings.timeout: expected a number", (), id="str"
    ),
    pytest.param(
        "[settings]\ntimeout = false\n",
        "2: settings.timeout: expected a number",
        (),
        id="bool-timeout",
    ),
    pytest.param(
        '[settings]\nfull_articles = "sometimes"\n',
        '2: settings.full_articles: expected "auto", "always"',
        (),
        id="full-articles",
    ),
    pytest.param(
        FEED + "full_articles = true\n",
        "4: feeds[1].full_articles: expected",
        (),
        id="feed-full-articles",
    ),
    pytest.param(
        '[settings]\ntheme = "nordd"\n',
        '2: settings.theme: unknown theme "nordd"',
        ("did you mean 'nord'?",),
        id="unknown-theme",
    ),
    pytest.param(
        '[settings]\ntheme = ""\n', "2: settings.theme: expected a theme name", (), id="no-theme"
    ),
    pytest.param(
        '[[feeds]]\nname = "A"\nurl = "https://a.example/a b"\n',
        "3: feeds[1].url: ",
        ("spaces or control characters",),
        id="url-space",
    ),
    pytest.param(
        '[[feeds]]\nname = "A"\nurl = ["https://a.example/"]\n',
        "3: feeds[1].url: expected a string",
        (),
        id="url-type",
    ),
    pytest.param(
        FEED + '\n[[feeds]]\nname = "B"\n', "5: feeds[2].url: missing", (), id="missing-url"
    ),
    pytest.param(
        '[[feeds]]\nurl = "https://a.example/"\n',
        "1: feeds[1].name: missing",
        (),
        id="missing-name",
    ),
    pytest.param(
        '[[feeds]]\nurl = "https://a.example/"\nname = "  "\n',
        "3: feeds[1].name: empty name",
        (),
        id="empty-name",
    ),
    pytest.param(
        '[[feeds]]\nurl = "https://a.example/"\nname = "a\\u001bb"\n',
        "3: feeds[1].name: ",
        (),
        id="name-controls",
    ),
    pytest.param(
        '[[feeds]]\nname = "A"\nurl = "https://Example.COM/feed/"\n\n'
        '[[feeds]]\nname = "B"\nurl = "HTTPS://example.com/feed"\n',
        "7: feeds[2].url: duplicate URL: feeds[1] (line 3)",
        (),
        id="duplicate-url",
    ),
    pytest.param(
        '[[feeds]]\nname = "Same"\nurl = "https://a.example/"\n\n'
        '[[feeds]]\nurl = "https://b.example/"\nname = "same"\n',
        '7: feeds[2].name: duplicate name "same"',
        (),
        id="duplicate-name",
    ),
    *(
        pytest.param(
            FEED + f"tags = {tags}\n", "4: feeds[1].tags: ", (fragment,), id=f"tags-{tags}"
        )
        for tags, fragment in [
            ('"tech"', "expected an array"),
            ('["tech", ""]', "tag #2 is empty"),
            ("[1]", "tag #1"),
        ]
    ),
    pytest.param(
        FEED + 'tags = [\n  "a",\n  "",\n]\n',
        "4: feeds[1].tags: tag #2 is empty",
        (),
        id="multiline-tags",
    ),
    pytest.param(
        'feeds = "https://a.example/"\n',
        "1: feeds: must be an array of tables",
        (),
        id="feeds-not-tables",
    ),
    pytest.param(
        '\nfeeds = [{ name = "A", url = "gopher://a" }]\n',
        "2: feeds[1].url: ",
        (),
        id="inline-feed",
    ),
    pytest.param("settings = 3\n", "1: settings: must be a table", (), id="settings-not-table"),
    *(
        pytest.param(
            f"# settings\n[settings]\n{key} = {value}\n",
            f"3: settings.{key}: ",
            ("out of range",),
            id=f"range-{key}={value}",
        )
        for key, value in [
            ("refresh_interval", "-1"),
            ("refresh_interval", "10081"),
            ("concurrency", "0"),
            ("concurrency", "65"),
            ("timeout", "0"),
            ("timeout", "300.5"),
            ("timeout", "nan"),
            ("timeout", "inf"),
            ("max_feed_bytes", "999"),
            ("max_feed_bytes", "1_000_000_001"),
            ("keep_days", "-1"),
            ("keep_days", "36501"),
        ]
    ),
    *(
        pytest.param(
            f'[[feeds]]\nname = "A"\nurl = "{url}"\n', "3: feeds[1].url: ", (), id=f"url-{url}"
        )
        for url in [
            "ftp://a.example/feed",
            "file:///etc/passwd",
            "a.example/feed",
            "https://",
            "http:///x",
        ]
    ),
    *(
        pytest.param(f"[keys]\nbookmark = {value}\n", "2: keys.bookmark: ", (), id=f"key-{value}")
        for value in ['""', '"b, c"', '"b,"', '"ctl+x"', '"Enter"', '"ctrl+"', "1"]
    ),
]


@pytest.mark.parametrize(("text", "problem", "fragments"), PROBLEMS)
def test_one_problem(tmp_path: Path, text: str, problem: str, fragments: tuple[str, ...]) -> None:
    path = write(tmp_path, text)
    message = only_problem(path)
    assert message.startswith(f"{path}:{problem}")
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("refresh_interval", "10080"),
        ("concurrency", "1"),
        ("timeout", "0.001"),
        ("max_feed_bytes", "1_000_000_000"),
        ("keep_days", "36500"),
    ],
)
def test_range_bounds_are_inclusive(tmp_path: Path, key: str, value: str) -> None:
    load_config(write(tmp_path, f"[settings]\n{key} = {value}\n"))


def test_key_conflict_names_both_actions(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\n\nbookmark = "q"\n')
    message = only_problem(path)
    assert message.startswith(f'{path}:3: keys.bookmark: key "q" is bound to both')
    assert "bookmark" in message
    assert "quit" in message


def test_key_conflict_through_character_names(tmp_path: Path) -> None:
    # "?" and "question_mark" are the same key for Textual.
    path = write(tmp_path, '[keys]\nsearch = "?"\n')
    message = only_problem(path)
    assert message.startswith(f"{path}:2: keys.search: ")
    assert "help" in message


def test_key_conflict_between_two_overrides_blames_the_later(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\nbookmark = "z"\nquit = "ctrl+q"\nsearch = "z"\n')
    message = only_problem(path)
    assert message.startswith(f"{path}:4: keys.search: ")
    assert "bookmark" in message


def test_rebinding_frees_the_default_key(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[keys]\nquit = "ctrl+q"\nbookmark = "q"\n'))
    assert config.keys == {"quit": "ctrl+q", "bookmark": "q"}


@pytest.mark.parametrize(
    ("keys", "names"),
    [
        ("b", ["b"]),
        ("B", ["B"]),
        ("ctrl+x", ["ctrl+x"]),
        ("shift+tab", ["shift+tab"]),
        ("f5,pagedown", ["f5", "pagedown"]),
        ("?", ["question_mark"]),
        ("/,slash", ["slash"]),
        ("shift+ctrl+a", ["ctrl+shift+a"]),
        ("é", ["é"]),
        ("b, c", None),
        ("", None),
        ("ctrl+ctrl+x", None),
        ("hyper+foo", None),
    ],
)
def test_key_names(keys: str, names: list[str] | None) -> None:
    assert key_names(keys) == names


def test_default_action_table_has_valid_unique_keys() -> None:
    seen: dict[str, str] = {}
    for action in ACTIONS:
        names = key_names(action.keys)
        assert names, action
        for name in names:
            assert name not in seen, (action.id, seen.get(name))
            seen[name] = action.id


def test_all_problems_are_collected_in_line_order(tmp_path: Path) -> None:
    path = FIXTURES / "many_problems.toml"
    lines = problem_lines(path)
    prefixes = [line.split(": ", 2)[0] + ": " + line.split(": ", 2)[1] for line in lines]
    assert prefixes == [
        f"{path}:3: settings.concurrency",
        f"{path}:4: settings.timeout",
        f"{path}:5: settings.colour",
        f"{path}:6: settings.theme",
        f"{path}:10: feeds[1].url",
        f"{path}:11: feeds[1].tags",
        f"{path}:15: feeds[2].name",
        f"{path}:20: feeds[3].url",
        f"{path}:21: feeds[3].full_articles",
        f"{path}:24: keys.bookmark",
        f"{path}:25: keys.frobnicate",
        f"{path}:27: extra",
    ]


def test_problem_str_and_config_error_str() -> None:
    problem = Problem("c.toml", 0, "settings.theme", "bad")
    assert str(problem) == "c.toml:1: settings.theme: bad"
    error = ConfigError([problem, Problem("c.toml", 3, "keys.x", "worse")])
    assert str(error) == "c.toml:1: settings.theme: bad\nc.toml:3: keys.x: worse"


def test_problems_for_text_is_reusable() -> None:
    assert problems_for_text(EMBEDDED_DEFAULT_TOML) == []
    found = problems_for_text("[settings]\nconcurrency = 0\n", "x.toml")
    assert [str(problem)[:27] for problem in found] == ["x.toml:2: settings.concurre"]


def test_key_lines_survive_tricky_strings(tmp_path: Path) -> None:
    text = (
        '[settings]\ntheme = """\n[keys]\nquit = 1\n"""\n'
        "timeout = '''x\n# not a comment\n'''\n"
        'concurrency = "#[x]" # comment [y]\n'
        "keep_days = -1\n"
    )
    lines = [str(problem).split(": ")[0:2] for problem in problems_for_text(text, "f")]
    assert lines == [
        ["f:2", "settings.theme"],
        ["f:6", "settings.timeout"],
        ["f:9", "settings.concurrency"],
        ["f:10", "settings.keep_days"],
    ]


def test_normalize_url() -> None:
    assert normalize_url("HTTPS://Ex.COM/Feed/?a=B#x") == normalize_url("https://ex.com/Feed?a=B")
    assert normalize_url("https://ex.com/a") != normalize_url("https://ex.com/A")


# --------------------------------------------------------------------------- paths


def test_config_flag_beats_env(tmp_path: Path) -> None:
    env = {"TUI_READER_CONFIG": str(tmp_path / "env.toml")}
    assert resolve_config_path(str(tmp_path / "flag.toml"), env) == tmp_path / "flag.toml"


def test_config_env_beats_platform_and_may_not_exist(tmp_path: Path) -> None:
    env = {"TUI_READER_CONFIG": str(tmp_path / "nope.toml")}
    assert resolve_config_path(None, env) == tmp_path / "nope.toml"


def test_config_platform_path_only_when_it_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    platform_path = default_config_path()
    assert platform_path == tmp_path / "tui-reader" / "config.toml"
    assert resolve_config_path(None, {}) is None
    assert config_write_path(None, {}) == platform_path
    assert not (tmp_path / "tui-reader").exists()  # resolving never creates directories
    platform_path.parent.mkdir()
    platform_path.write_text("")
    assert resolve_config_path(None, {}) == platform_path
    assert resolve_config_path("", {"TUI_READER_CONFIG": ""}) == platform_path


def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(sys, "platform", "linux")
    env = {"TUI_READER_DATA_DIR": str(tmp_path / "env")}
    assert resolve_data_dir(str(tmp_path / "flag"), env) == tmp_path / "flag"
    assert resolve_data_dir(None, env) == tmp_path / "env"
    assert resolve_data_dir(None, {}) == tmp_path / "xdg" / "tui-reader"
    assert not (tmp_path / "xdg").exists()


def test_resolve_uses_os_environ_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUI_READER_CONFIG", str(tmp_path / "c.toml"))
    monkeypatch.setenv("TUI_READER_DATA_DIR", str(tmp_path / "d"))
    assert resolve_config_path(None) == tmp_path / "c.toml"
    assert resolve_data_dir(None) == tmp_path / "d"


# --------------------------------------------------------------------------- writing


def test_config_init_writes_the_example_and_creates_dirs(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "config.toml"
    write_starter_config(path)
    assert path.read_bytes() == (REPO / "config.example.toml").read_bytes()
    assert load_config(path).feeds == load_config(None).feeds


def test_config_init_never_overwrites(tmp_path: Path) -> None:
    path = write(tmp_path, "# mine\n")
    with pytest.raises(FileExistsError):
        write_starter_config(path)
    assert path.read_text() == "# mine\n"


def test_config_init_refuses_a_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "config.toml"
    link.symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(FileExistsError):
        write_starter_config(link)
    assert not (tmp_path / "elsewhere.toml").exists()


def test_add_feeds_preserves_comments_and_skips_duplicates(tmp_path: Path) -> None:
    original = (
        "# my feeds, hand-written\n"
        "[settings]\n"
        "concurrency = 4  # slow line\n"
        "\n"
        "[[feeds]]\n"
        'name = "A"\n'
        'url = "https://a.example/feed/"\n'
        "# about A\n"
        "\n"
        "# the keys I like\n"
        "[keys]\n"
        'bookmark = "x"\n'
    )
    path = write(tmp_path, original)
    added, skipped = add_feeds(
        path,
        [
            FeedConfig("A", "https://A.example/feed", ("dup",)),  # same URL
            FeedConfig("A", "https://b.example/rss", ("tech", "fr"), "always"),  # same name
            FeedConfig("C", "https://c.example/rss"),
            FeedConfig("C again", "https://c.example/rss/"),  # duplicate within the batch
        ],
    )
    assert (added, skipped) == (2, 2)
    text = path.read_text()
    for comment in ("# my feeds, hand-written", "# slow line", "# about A", "# the keys I like"):
        assert comment in text
    assert text.index("# the keys I like") > text.index('name = "C"')
    config = load_config(path)
    assert config.settings.concurrency == 4
    assert config.keys == {"bookmark": "x"}
    assert config.feeds == (
        FeedConfig("A", "https://a.example/feed/"),
        FeedConfig("A (2)", "https://b.example/rss", ("tech", "fr"), "always"),
        FeedConfig("C", "https://c.example/rss"),
    )


def test_add_feeds_to_the_starter_text_keeps_the_keys_comment_last(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    added, skipped = add_feeds(
        path,
        [
            FeedConfig("Numerama again", "https://www.numerama.com/feed"),
            FeedConfig("X", "https://x.example/"),
        ],
    )
    assert (added, skipped) == (1, 1)
    text = path.read_text()
    assert text.startswith(EMBEDDED_DEFAULT_TOML.split("[[feeds]]")[0])
    assert text.rstrip().endswith(EMBEDDED_DEFAULT_TOML.rstrip().rsplit("\n", 1)[1])
    assert '\n\n[[feeds]]\nname = "X"\nurl = "https://x.example/"\n\n# Key overrides' in text
    assert load_config(path).feeds[-1] == FeedConfig("X", "https://x.example/")


def test_add_feeds_with_nothing_new_does_not_write(tmp_path: Path) -> None:
    path = write(tmp_path, FEED)
    before = path.stat().st_mtime_ns
    assert add_feeds(path, [FeedConfig("Z", "https://a.example/feed/")]) == (0, 1)
    assert path.stat().st_mtime_ns == before
    assert not (tmp_path / "new.toml").exists()


def test_add_feeds_refuses_an_invalid_config(tmp_path: Path) -> None:
    path = write(tmp_path, "[settings]\nconcurrency = 0\n")
    with pytest.raises(ConfigError):
        add_feeds(path, [FeedConfig("Z", "https://z.example/")])
    assert path.read_text() == "[settings]\nconcurrency = 0\n"


def test_add_feeds_is_atomic_and_keeps_the_mode(tmp_path: Path) -> None:
    path = write(tmp_path, FEED)
    os.chmod(path, 0o600)
    add_feeds(path, [FeedConfig("Z", "https://z.example/")])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_add_feeds_keeps_markup_and_quotes_as_data(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    weird = "Le \"Monde\" [b]bold[/b] \\ #1 = 'x'"
    add_feeds(path, [FeedConfig(weird, "https://w.example/?a=1&b=[2]", ("[red]", "ça"))])
    feed = load_config(path).feeds[0]
    assert feed == FeedConfig(weird, "https://w.example/?a=1&b=[2]", ("[red]", "ça"))


def test_add_feeds_to_inline_feed_array(tmp_path: Path) -> None:
    path = write(tmp_path, 'feeds = [{ name = "A", url = "https://a.example/" }]\n')
    assert add_feeds(path, [FeedConfig("B", "https://b.example/", ("t",))]) == (1, 0)
    assert [feed.name for feed in load_config(path).feeds] == ["A", "B"]
