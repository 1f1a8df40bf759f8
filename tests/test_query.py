"""The search language: parse_search and the FTS5 expression builder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tui_reader.models import ArticleQuery
from tui_reader.query import fts_match_expression, parse_search

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_empty_text_gives_base() -> None:
    assert parse_search("", now=NOW) == ArticleQuery()
    base = ArticleQuery(tags=("fr",), unread=True)
    assert parse_search("   ", base=base, now=NOW) == base


def test_every_token_kind() -> None:
    query = parse_search(
        '+tech -sport =numerama @7d is:unread is:bookmarked tiktok "loi européenne"', now=NOW
    )
    assert query.tags == ("tech",)
    assert query.exclude_tags == ("sport",)
    assert query.feed_contains == "numerama"
    assert query.newer_than == NOW - timedelta(days=7)
    assert query.unread is True
    assert query.bookmarked is True
    assert query.text == 'tiktok "loi européenne"'


@pytest.mark.parametrize(
    ("token", "delta"),
    [
        ("@12h", timedelta(hours=12)),
        ("@7d", timedelta(days=7)),
        ("@2w", timedelta(weeks=2)),
        ("@3m", timedelta(days=90)),
        ("@1y", timedelta(days=365)),
        ("@3days", timedelta(days=3)),
    ],
)
def test_ages(token: str, delta: timedelta) -> None:
    assert parse_search(token, now=NOW).newer_than == NOW - delta


def test_starred_alias_and_case() -> None:
    assert parse_search("IS:Starred", now=NOW).bookmarked is True


def test_merges_into_base_and_appends_tags() -> None:
    base = ArticleQuery(tags=("fr",), text="apple", feed="Numerama")
    query = parse_search("+tech +FR google", base=base, now=NOW)
    assert query.tags == ("fr", "tech")
    assert query.text == "apple google"
    assert query.feed == "Numerama"


def test_newer_than_keeps_the_stricter_bound() -> None:
    base = ArticleQuery(newer_than=NOW - timedelta(days=1))
    assert parse_search("@7d", base=base, now=NOW).newer_than == NOW - timedelta(days=1)


def test_quoted_feed_name() -> None:
    assert parse_search('="Le Monde" climat', now=NOW).feed_contains == "Le Monde"


@pytest.mark.parametrize(
    "text",
    ["@xyz", "@", "+", "-", "=", "is:nonsense", "@99999999999y", '"', '""', "@-3d", "+ -"],
)
def test_malformed_tokens_are_text_never_errors(text: str) -> None:
    query = parse_search(text, now=NOW)
    assert query.tags == () and query.exclude_tags == ()
    assert query.newer_than is None or text == "@99999999999y"


def test_malformed_age_is_searched_as_text() -> None:
    assert parse_search("@xyz", now=NOW).text == "@xyz"


def test_naive_now_is_utc() -> None:
    query = parse_search("@1d", now=datetime(2026, 1, 2))
    assert query.newer_than == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tiktok", '"tiktok"*'),
        ("loi tiktok", '"loi" "tiktok"*'),
        ('"loi européenne"', '"loi" "européenne"'),
        ('say "hi" there', '"say" "hi" "there"*'),
        ('a"b', '"a" "b"*'),
        ("l’économie", '"l" "économie"*'),
        ("NEAR(a b) OR c", '"NEAR" "a" "b" "OR" "c"*'),
        ("* ^ :", None),
        ("", None),
    ],
)
def test_fts_expression_quotes_everything(text: str, expected: str | None) -> None:
    assert fts_match_expression(text) == expected
