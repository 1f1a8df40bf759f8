"""Writing the config with tomlkit, so the user's comments and layout survive.

tomlkit is imported only where the config is written: reading it (every start) does without.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from tui_reader.config.load import (
    EMBEDDED_DEFAULT_TOML,
    _decode,
    config_from_text,
    problems_for_text,
)
from tui_reader.config.problems import ConfigError, _has_control_chars, _quote, normalize_url
from tui_reader.i18n import _
from tui_reader.models import FeedConfig, ViewConfig

if TYPE_CHECKING:
    from tomlkit import TOMLDocument
    from tomlkit.items import AoT, InlineTable, Item, Key, Table


def write_starter_config(path: Path) -> None:
    """Write the commented starter config to `path`, creating parent directories.

    Raises `FileExistsError` when anything exists at `path`: a config is never overwritten.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="") as handle:
        handle.write(EMBEDDED_DEFAULT_TOML)


def add_feeds(path: Path, feeds: Sequence[FeedConfig]) -> tuple[int, int]:
    """Append `feeds` as `[[feeds]]` entries to the config at `path`, keeping its comments.

    A feed whose normalized URL is already in the file (or earlier in `feeds`) is skipped;
    a name already taken gets a " (2)" suffix. Starts from the starter config when `path`
    does not exist. The file is replaced atomically, and only when something was added.
    Returns `(added, skipped_duplicates)`. Raises `ConfigError` when the existing file is
    invalid, so that a broken config is never rewritten.
    """
    file = str(path)
    text = _read_text(path) if path.exists() else EMBEDDED_DEFAULT_TOML
    problems = problems_for_text(text, file)
    if problems:
        raise ConfigError(problems)
    # tomlkit only where the config is written: reading it (every start) does without.
    import tomlkit
    from tomlkit.items import AoT, Array

    document = tomlkit.parse(text)
    existing = document.get("feeds")
    if existing is None:
        existing = tomlkit.aot()
        document.append("feeds", existing)
    urls = {normalize_url(str(entry["url"])) for entry in existing}
    names = {str(entry["name"]).strip().casefold() for entry in existing}
    new_entries: list[Table | InlineTable] = []
    skipped = 0
    for feed in feeds:
        url = feed.url.strip()
        if normalize_url(url) in urls:
            skipped += 1
            continue
        urls.add(normalize_url(url))
        name = unique_name(feed.name.strip() or (urlsplit(url).hostname or url), names)
        entry = tomlkit.inline_table() if isinstance(existing, Array) else tomlkit.table()
        entry["name"] = name
        entry["url"] = url
        if feed.tags:
            entry["tags"] = list(feed.tags)
        if feed.full_articles is not None:
            entry["full_articles"] = feed.full_articles
        new_entries.append(entry)
    added = len(new_entries)
    if isinstance(existing, AoT):
        _append_tables(document, existing, cast("list[Table]", new_entries))
    else:
        for entry in new_entries:
            existing.append(entry)
    if added:
        new_text = tomlkit.dumps(document)
        problems = problems_for_text(new_text, file)
        if problems:
            raise ConfigError(problems)
        _write_atomically(path, new_text)
    return added, skipped


def _append_tables(document: TOMLDocument, array: AoT, tables: list[Table]) -> None:
    """Append `tables` to `array`, one blank line apart, keeping comments where they belong.

    Comments at the end of the last entry that come after a blank line (such as the
    commented `[keys]` example of the starter file) introduce what follows, so they move
    below the new entries; a comment right under the entry's keys stays with it.
    """
    import tomlkit
    from tomlkit.items import Whitespace

    if not tables:
        return
    moved: list[tuple[Key | None, Item]] = []
    if len(array) > 0:
        body = array[-1].value.body
        trivia_start = len(body)
        while trivia_start > 0 and body[trivia_start - 1][0] is None:
            trivia_start -= 1
        for index in range(trivia_start, len(body)):
            if isinstance(body[index][1], Whitespace):
                moved = body[index:]
                del body[index:]
                break
    has_content_before = bool(document.body[:-1]) if len(array) == 0 else True
    feeds_is_last = list(document.keys())[-1] == "feeds"
    for table in tables:
        array.append(table)
        # tomlkit varies the indent of appended tables; a blank line before each is the style.
        table.trivia.indent = "\n" if has_content_before or table is not tables[0] else ""
    if moved:
        tables[-1].value.body.extend(moved)
    elif not feeds_is_last:
        tables[-1].add(tomlkit.nl())


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`… whichever is free in `taken` (casefolded names).

    The chosen name is added to `taken`.
    """
    candidate = name
    number = 2
    while candidate.casefold() in taken:
        candidate = f"{name} ({number})"
        number += 1
    taken.add(candidate.casefold())
    return candidate


def _read_text(path: Path) -> str:
    """The config file's text; `ConfigError` when it is not valid UTF-8 (never rewritten)."""
    text, problem = _decode(path.read_bytes(), str(path))
    if problem is not None:
        raise ConfigError([problem])
    return text


def _write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` through a temporary file in the same directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def remove_feed(path: Path, name: str) -> FeedConfig:
    """Remove the `[[feeds]]` entry called `name` (case-insensitive) from the config at `path`.

    Comments and layout elsewhere are kept; comments that introduce what follows the removed
    entry stay in place. Returns the removed feed. Raises `KeyError` when no feed has that
    name and `ConfigError` when the file is invalid (a broken config is never rewritten).
    """
    import tomlkit
    from tomlkit.items import AoT, Whitespace

    file = str(path)
    text = _read_text(path)
    config = config_from_text(text, file, path)
    wanted = name.strip().casefold()
    matches = [index for index, feed in enumerate(config.feeds) if feed.name.casefold() == wanted]
    if not matches:
        raise KeyError(name)
    index = matches[0]
    document = tomlkit.parse(text)
    array = document["feeds"]
    if isinstance(array, AoT):
        tables = array.body
        moved = _trailing_block(tables[index]) if index == len(tables) - 1 else []
        del array[index]
        if moved and len(array) > 0:
            target = array[-1].value.body
            # The blank line that separated the removed entry is already in `moved`.
            while target and target[-1][0] is None and isinstance(target[-1][1], Whitespace):
                target.pop()
            target.extend(moved)
        else:
            for _key, item in moved:
                document.append(None, item)
    else:
        del array[index]
    new_text = tomlkit.dumps(document)
    problems = problems_for_text(new_text, file)
    if problems:
        raise ConfigError(problems)
    _write_atomically(path, new_text)
    return config.feeds[index]


def _trailing_block(table: Table) -> list[tuple[Key | None, Item]]:
    """The comments at the end of `table` that come after a blank line (they introduce what
    follows the table, not the table itself)."""
    from tomlkit.items import Whitespace

    body = table.value.body
    start = len(body)
    while start > 0 and body[start - 1][0] is None:
        start -= 1
    for index in range(start, len(body)):
        if isinstance(body[index][1], Whitespace):
            return list(body[index:])
    return []


def add_view(path: Path, name: str, query: str) -> ViewConfig:
    """Append a `[[views]]` entry to the config at `path` (comments kept).

    Raises `ValueError` (one line) when the name is taken or the query is not valid, and
    `ConfigError` when the file itself is invalid.
    """
    import tomlkit

    from tui_reader.query import query_problem

    file = str(path)
    text = _read_text(path) if path.exists() else EMBEDDED_DEFAULT_TOML
    config = config_from_text(text, file, path)
    name = name.strip()
    if not name or _has_control_chars(name):
        raise ValueError(_("a view needs a name without control characters"))
    if any(view.name.casefold() == name.casefold() for view in config.views):
        raise ValueError(_("a view named {name} already exists").format(name=_quote(name)))
    problem_text = query_problem(query)
    if problem_text is not None:
        raise ValueError(problem_text)
    document = tomlkit.parse(text)
    table = tomlkit.table()
    table["name"] = name
    table["query"] = query.strip()
    existing = document.get("views")
    if existing is None:
        views = tomlkit.aot()
        views.append(table)
        if not text.endswith("\n\n"):
            document.add(tomlkit.nl())
        document.append("views", views)
    else:
        table.trivia.indent = "\n"
        existing.append(table)
    new_text = tomlkit.dumps(document)
    problems = problems_for_text(new_text, file)
    if problems:
        raise ConfigError(problems)
    _write_atomically(path, new_text)
    return ViewConfig(name=name, query=query.strip())
