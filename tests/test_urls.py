"""urls.py: the one rule for addresses, an absolute http(s) URL with a host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tui_reader.urls import is_web_url, url_problem


@pytest.mark.parametrize(
    "url", ["https://a.example/feed", "http://127.0.0.1:8080/x?y=1#z", "HTTPS://A.EXAMPLE"]
)
def test_web_urls_pass(url: str) -> None:
    assert url_problem(url) is None
    assert is_web_url(urlsplit(url))


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://a.example/feed", "unsupported URL scheme 'ftp' (only http and https)"),
        ("javascript:alert(1)", "unsupported URL scheme 'javascript'"),
        ("file:///etc/passwd", "unsupported URL scheme 'file'"),
        ("a.example/feed", "not an absolute http(s) URL"),
        ("", "not an absolute http(s) URL"),
        ("https://", "invalid URL: no host"),
        ("http:///x", "invalid URL: no host"),
        ("http://[::1/feed", "invalid URL: Invalid IPv6 URL"),
        ("http://a.example:99999/", "invalid URL: Port out of range"),
        ("https://a.example/a b", "spaces or control characters"),
        ("https://a.example/\x1b[31m", "spaces or control characters"),
    ],
)
def test_other_urls_say_why(url: str, problem: str) -> None:
    found = url_problem(url)
    assert found is not None and problem in found
    assert "\n" not in found
