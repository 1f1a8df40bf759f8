"""Plain data shared by every layer: frozen, slotted dataclasses with no behaviour of note."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

FullArticles = Literal["auto", "always", "never"]
FeedStatus = Literal["ok", "not_modified", "error", "skipped"]
HiddenFilter = Literal["exclude", "include", "only"]
ImagesMode = Literal["auto", "halfcell", "off"]


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One `[[feeds]]` entry of the config."""

    name: str
    url: str
    tags: tuple[str, ...] = ()
    full_articles: FullArticles | None = None  # None: use the global setting
    refresh_interval: int | None = None  # minutes; None: use the global setting


@dataclass(frozen=True, slots=True)
class Settings:
    """The `[settings]` table, with SPEC's defaults."""

    refresh_interval: int = 30  # minutes; 0 = manual only
    concurrency: int = 16
    timeout: float = 15.0
    max_feed_bytes: int = 10_000_000
    full_articles: FullArticles = "auto"
    keep_days: int = 90
    theme: str = "textual-dark"
    language: str = "auto"  # "auto" (LC_ALL, LC_MESSAGES, LANG), "fr" or "en"
    images: ImagesMode = "auto"  # pictures in the reading pane
    per_host_connections: int = 4  # HTTP/1.1 connections per site (origin) at once


@dataclass(frozen=True, slots=True)
class ViewConfig:
    """One `[[views]]` entry: a saved search shown in the sidebar."""

    name: str
    query: str
    notify: bool = False


@dataclass(frozen=True, slots=True)
class RuleConfig:
    """One `[[rules]]` entry: `action` is "hide", "read" or "tag:NAME"."""

    query: str
    action: str


@dataclass(frozen=True, slots=True)
class HookConfig:
    """One `[[hooks]]` entry: `command` (argv) gets new items matching `query` on stdin."""

    query: str
    command: tuple[str, ...]
    timeout: float = 30.0


AccountKind = Literal["fever", "greader"]


@dataclass(frozen=True, slots=True)
class AccountConfig:
    """One `[[accounts]]` entry: a sync server. Its repr never shows the secret."""

    name: str
    kind: AccountKind
    url: str
    username: str
    password_command: tuple[str, ...] = ()
    password_env: str | None = None
    password: str | None = field(default=None, repr=False)
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    """A validated configuration; `path` is None for the embedded default."""

    settings: Settings = field(default_factory=Settings)
    feeds: tuple[FeedConfig, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    views: tuple[ViewConfig, ...] = ()
    rules: tuple[RuleConfig, ...] = ()
    hooks: tuple[HookConfig, ...] = ()
    accounts: tuple[AccountConfig, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One item as the parser hands it to the store; all text already passed `clean_text`."""

    guid: str  # feed GUID, else link, else a content hash: never empty
    title: str
    link: str  # http(s) only, absolute, or ""
    author: str
    published: str  # ISO 8601 UTC, e.g. "2026-11-28T18:05:59+00:00"
    summary: str  # Markdown
    body: str  # Markdown; the longest content the feed gave ("" when only a summary)
    # Deferred parsing (issue 11): summary and body as they came, compressed (see
    # `tui_reader.deferred`; summary/body are then ""), and a hash of the entry's fields
    # (same hash: nothing to store again).
    source: bytes | None = None
    content_hash: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed document: its own title/link and its entries."""

    title: str
    link: str
    entries: tuple[ParsedEntry, ...]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of one HTTP fetch; failures are values, never exceptions."""

    url: str
    status: FeedStatus
    body: bytes | None = None
    final_url: str = ""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None  # one line, set when status == "error"


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What a refresh did for one feed (SPEC `refresh --json` item)."""

    name: str
    url: str
    status: FeedStatus
    new_items: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One stored article as the UI and CLI see it."""

    id: int
    feed: str  # feed name
    feed_url: str
    title: str
    link: str
    author: str
    published: str  # ISO 8601 UTC
    tags: tuple[str, ...]
    read: bool
    bookmarked: bool
    summary: str = ""  # Markdown
    body: str = ""  # Markdown from the feed
    full_text: str | None = None  # Markdown extracted from the page, when fetched
    full_text_error: str | None = None
    account: str | None = None  # the sync account's name; None for a feed of [[feeds]]


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    """A filter over stored articles; every field narrows the result (ANDed)."""

    tags: tuple[str, ...] = ()  # item must carry all of them
    exclude_tags: tuple[str, ...] = ()  # item must carry none of them
    feed: str | None = None  # exact feed name
    feed_contains: str | None = None  # feed name contains (case-insensitive)
    unread: bool = False
    bookmarked: bool = False
    text: str | None = None  # full-text search (FTS5)
    newer_than: datetime | None = None
    hidden: HiddenFilter = "exclude"  # items hidden by rules: left out, included, or only them


@dataclass(frozen=True, slots=True)
class Cursor:
    """Keyset position in the newest-first order: (published, id) of the last row seen."""

    published: str
    id: int
