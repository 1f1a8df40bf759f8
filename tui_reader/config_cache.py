"""The reader's launch reuses the config it validated last time, while the file is unchanged.

Reading a config of 200 `[[feeds]]` took 15-25 ms of the reader's start (issue 11): `tomllib`
is pure Python, then every entry is checked (`tui_reader.config`). A valid config is what it
was as long as its file and the code that reads it are: `launch_config` keeps the validated
`Config` in the data directory (`config-cache.marshal`), keyed by the file's path, size,
modification and change times and inode, the interpreter, this package's version and the
modification times of the modules that read and validate it (and of Textual's, whose theme
names a config is checked against). A hit builds the `Config` from plain values and imports
neither `tomllib` nor the checks.

Anything else reads the file as before (`config.load_config`): a first launch, a changed file
or code, a missing, unreadable, foreign or damaged cache. Only a valid config is kept, and
never one with `[[accounts]]` (a password would be copied out of the config file); problems
are reported exactly as before, since an invalid file never reaches the cache. The cache is
written only into an existing data directory, atomically, and a failure to write it is
ignored: it only saves time.

The format is `marshal` (built in, nothing to import, and loading it runs no code): model
instances are lists `[class name, {field: value}]`, paths `["Path", text]`; the models hold
only tuples, dicts and scalars otherwise, and anything else makes the config uncacheable.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import sys
from pathlib import Path
from typing import Any

from tui_reader import __version__, models
from tui_reader.models import Config

__all__ = ["CACHE_NAME", "cached_config", "launch_config"]

CACHE_NAME = "config-cache.marshal"
_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent
_MODEL_NAMES = frozenset(
    name
    for name, value in vars(models).items()
    if isinstance(value, type) and dataclasses.is_dataclass(value)
)


class _Uncacheable(Exception):
    """A value the cache's format does not hold."""


_last: tuple[tuple[Any, ...], Config] | None = None
"""The last config read from a cache, with its key: the launch asks twice (the language is
chosen before anything else, `cli_lang.configured_language`), and the key holds the file's
stat, so a changed file is never answered from here."""


def cached_config(path: Path, data_dir: Path) -> Config | None:
    """The config of `path` if the cache in `data_dir` holds it still valid, else None
    (nothing is parsed, checked or written)."""
    global _last
    try:
        key = _key(path)
    except OSError:
        return None
    if _last is not None and _last[0] == key and _last[1].path == path:
        return _last[1]
    config = _read(data_dir / CACHE_NAME, key)
    if config is not None:
        _last = (key, config)
    if config is not None and config.path != path:
        # The same file by another name (relative to another directory, say): the config
        # knows it by the name it was given this time, as `load_config` would.
        config = dataclasses.replace(config, path=path)
    return config


def launch_config(path: Path, data_dir: Path) -> Config:
    """`config.load_config(path)`, from the cache in `data_dir` when it is still valid."""
    config = cached_config(path, data_dir)
    if config is not None:
        return config
    try:
        key: tuple[Any, ...] | None = _key(path)
    except OSError:
        key = None  # no such file, say: load_config words the problem
    from tui_reader.config import load_config

    config = load_config(path)
    if key is not None and not config.accounts and data_dir.is_dir():
        _write(data_dir / CACHE_NAME, key, config)
    return config


def _key(path: Path) -> tuple[Any, ...]:
    """What a cached config depends on (raises OSError when the file cannot be seen)."""
    stat = os.stat(path)
    return (
        _FORMAT,
        sys.version,
        __version__,
        os.path.abspath(path),
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ctime_ns,
        stat.st_ino,
        _code_stamp(),
    )


def _code_stamp() -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of each module that reads or checks a config."""
    files = [_PACKAGE / name for name in ("models.py", "actions.py", "i18n.py", "query.py")]
    files.append(_PACKAGE / "urls.py")
    files += sorted((_PACKAGE / "config").glob("*.py"))
    files += [_PACKAGE / "sync" / "accounts.py", _textual_themes()]
    stamp = []
    for file in files:
        try:
            stat = os.stat(file)
        except OSError:
            stamp.append((str(file), -1, -1))
        else:
            stamp.append((str(file), stat.st_size, stat.st_mtime_ns))
    return tuple(stamp)


def _textual_themes() -> Path:
    """Textual's theme module (its names are valid `theme` values), found without importing it."""
    from importlib.util import find_spec

    spec = find_spec("textual")
    origin = spec.origin if spec is not None else None
    return Path(origin).with_name("theme.py") if origin else Path("textual-not-found")


def _read(cache: Path, key: tuple[Any, ...]) -> Config | None:
    """The cached config if `cache` holds one for `key`, else None (whatever the reason)."""
    try:
        stored_key, value = marshal.loads(cache.read_bytes())
        if stored_key != key:
            return None
        config = _decode(value)
    except (OSError, EOFError, ValueError, TypeError, KeyError, _Uncacheable):
        return None
    return config if isinstance(config, Config) else None


def _write(cache: Path, key: tuple[Any, ...], config: Config) -> None:
    """Keep `config` for `key` (replacing the file whole); silently give up on any failure."""
    try:
        data = marshal.dumps((key, _encode(config)))
    except (_Uncacheable, ValueError):
        return
    partial = cache.with_name(f".{cache.name}.{os.getpid()}")
    try:
        partial.write_bytes(data)
        os.replace(partial, cache)
    except OSError:
        partial.unlink(missing_ok=True)


def _encode(value: object) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple):
        return tuple(_encode(item) for item in value)
    if isinstance(value, dict):
        if not all(isinstance(name, str) for name in value):
            raise _Uncacheable(value)
        return {name: _encode(item) for name, item in value.items()}
    if isinstance(value, Path):
        return ["Path", str(value)]
    name = type(value).__name__
    if name in _MODEL_NAMES and type(value) is getattr(models, name):
        fields = dataclasses.fields(value)  # type: ignore[arg-type]
        return [name, {f.name: _encode(getattr(value, f.name)) for f in fields}]
    raise _Uncacheable(value)


def _decode(value: object) -> object:
    if isinstance(value, tuple):
        return tuple(_decode(item) for item in value)
    if isinstance(value, dict):
        return {name: _decode(item) for name, item in value.items()}
    if isinstance(value, list):
        name, content = value
        if name == "Path" and isinstance(content, str):
            return Path(content)
        if name in _MODEL_NAMES and isinstance(content, dict):
            return getattr(models, name)(**{k: _decode(v) for k, v in content.items()})
        raise _Uncacheable(name)
    return value
