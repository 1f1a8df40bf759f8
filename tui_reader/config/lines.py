"""Line numbers of keys in a TOML text, for problems.

`tomllib` keeps no positions (python/cpython#115516, closed) and tomlkit exposes none
publicly (python-poetry/tomlkit#55, open: its items know their text, not their line), so a
small lexical scan of *valid* TOML finds them. It runs only when a
problem needs a line (`_LazyKeyLines`), so a valid config never pays for it.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Sequence
from typing import Any

from tui_reader.config.problems import _BARE_KEY, Path_


def key_line(text: str, path: Path_) -> int:
    """The line of the key at `path` (e.g. `("accounts", 0, "password")`) in valid TOML `text`."""
    return _KeyLines(text).line(path)


class _LazyKeyLines:
    """Scans the text for key lines only when a problem needs one: a valid config, read at
    every start, never pays for the scan."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: _KeyLines | None = None

    def __getattr__(self, name: str) -> Any:
        if self._lines is None:
            self._lines = _KeyLines(self._text)
        return getattr(self._lines, name)


# --------------------------------------------------------------------------- validation


class _KeyLines:
    """Line numbers of keys and table headers, found by a small lexical scan of valid TOML.

    `tomllib` keeps no positions, so this scanner records, for each key path such as
    `("feeds", 1, "url")`, the line where it is written. Values inside arrays and inline
    tables are not indexed: a lookup falls back to the longest recorded prefix.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        self.paths: dict[Path_, int] = {}
        self.array_counts: dict[Path_, int] = {}
        self.table: Path_ = ()
        import tomllib  # here, not at import: the reader's launch may never parse (issue 11)

        # Positions are a help, not a requirement: on a surprise, lookups fall back to line 1.
        with contextlib.suppress(IndexError, ValueError, tomllib.TOMLDecodeError):
            self._scan()

    def line(self, path: Path_) -> int:
        """The line of `path`, or of its longest recorded prefix, or 1."""
        for end in range(len(path), 0, -1):
            line = self.paths.get(path[:end])
            if line is not None:
                return line
        return 1

    def _line_at(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def _record(self, path: Path_, line: int) -> None:
        for end in range(1, len(path) + 1):
            self.paths.setdefault(path[:end], line)

    def _scan(self) -> None:
        text = self.text
        while True:
            self._skip_blank()
            if self.pos >= len(text):
                return
            start = self.pos
            line = self._line_at(start)
            if text[start] == "[":
                is_array = text.startswith("[[", start)
                self.pos += 2 if is_array else 1
                keys = self._read_key()
                self.pos += 2 if is_array else 1
                if is_array:
                    array_path = (*self._resolve(keys[:-1]), keys[-1])
                    index = self.array_counts.get(array_path, 0)
                    self.array_counts[array_path] = index + 1
                    self.table = (*array_path, index)
                else:
                    self.table = self._resolve(keys)
                self._record(self.table, line)
                self._skip_line()
            else:
                keys = self._read_key()
                self._skip_spaces()
                self.pos += 1  # "="
                self._record((*self.table, *keys), line)
                self._skip_value()

    def _resolve(self, keys: Sequence[str | int]) -> Path_:
        """Apply the current index of every array of tables met along `keys`."""
        path: Path_ = ()
        for key in keys:
            path = (*path, key)
            if path in self.array_counts:
                path = (*path, self.array_counts[path] - 1)
        return path

    def _skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def _skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    def _skip_blank(self) -> None:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t\r\n":
                self.pos += 1
            elif ch == "#":
                self._skip_line()
            else:
                return

    def _read_key(self) -> list[str]:
        text = self.text
        keys: list[str] = []
        while True:
            self._skip_spaces()
            ch = text[self.pos]
            if ch == '"':
                end = self._string_end(self.pos, '"')
                import tomllib

                keys.append(tomllib.loads(f"k = {text[self.pos : end]}")["k"])
                self.pos = end
            elif ch == "'":
                end = text.index("'", self.pos + 1)
                keys.append(text[self.pos + 1 : end])
                self.pos = end + 1
            else:
                match = _BARE_KEY.match(text, self.pos)
                if match is None:
                    raise ValueError("not a key")
                keys.append(match.group())
                self.pos = match.end()
            self._skip_spaces()
            if self.pos < len(text) and text[self.pos] == ".":
                self.pos += 1
                continue
            return keys

    def _string_end(self, start: int, quote: str) -> int:
        """Index just after the string that opens at `start` (any of the four TOML kinds)."""
        text = self.text
        if text.startswith(quote * 3, start):
            pos = start + 3
            while True:
                if quote == '"' and text[pos] == "\\":
                    pos += 2
                    continue
                if text.startswith(quote * 3, pos):
                    pos += 3
                    while pos < len(text) and text[pos] == quote:  # up to two quotes in content
                        pos += 1
                    return pos
                pos += 1
        pos = start + 1
        while text[pos] != quote:
            pos += 2 if quote == '"' and text[pos] == "\\" else 1
        return pos + 1

    def _skip_value(self) -> None:
        text = self.text
        depth = 0
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in "\"'":
                self.pos = self._string_end(self.pos, ch)
                continue
            if ch == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
                continue
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
            elif ch == "\n" and depth == 0:
                self.pos += 1
                return
            self.pos += 1


# --------------------------------------------------------------------------- writing
