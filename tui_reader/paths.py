"""Where the config file and the data directory live.

Precedence, for both: command-line flag, then environment variable, then the platform
directory (`platformdirs`). For the config there is one more step: when no file exists at the
platform path, `resolve_config_path` returns None, which means "use the embedded default".
Nothing here creates a directory; the callers that write do that.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "tui-reader"
CONFIG_ENV = "TUI_READER_CONFIG"
DATA_DIR_ENV = "TUI_READER_DATA_DIR"


def default_config_path() -> Path:
    """The platform config file, e.g. `~/.config/tui-reader/config.toml` (may not exist)."""
    from platformdirs import user_config_dir  # only when no flag or variable says where

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def default_data_dir() -> Path:
    """The platform data directory, e.g. `~/.local/share/tui-reader` (may not exist)."""
    from platformdirs import user_data_dir  # only when no flag or variable says where

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_config_path(flag: str | None, env: Mapping[str, str] = os.environ) -> Path | None:
    """The config file to load: `--config`, `$TUI_READER_CONFIG`, the platform file, or None.

    A path given by flag or environment is returned even when it does not exist, so that
    loading reports "file not found" instead of silently falling back to the defaults.
    None means the embedded default config.
    """
    if flag:
        return Path(flag).expanduser()
    from_env = env.get(CONFIG_ENV)
    if from_env:
        return Path(from_env).expanduser()
    platform_path = default_config_path()
    return platform_path if platform_path.is_file() else None


def config_write_path(flag: str | None, env: Mapping[str, str] = os.environ) -> Path:
    """The file that `config-init` and `import` write: like `resolve_config_path`, never None."""
    return resolve_config_path(flag, env) or default_config_path()


def resolve_data_dir(flag: str | None, env: Mapping[str, str] = os.environ) -> Path:
    """The data directory: `--data-dir`, else `$TUI_READER_DATA_DIR`, else the platform dir."""
    if flag:
        return Path(flag).expanduser()
    from_env = env.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_data_dir()
