"""Tests for tui_reader.links.clean_link."""

from __future__ import annotations

import pytest

from tui_reader.links import clean_link, is_tracking_param


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(
            "https://ex.com/a?utm_source=rss&utm_medium=feed&utm_campaign=x",
            "https://ex.com/a",
            id="all-utm",
        ),
        pytest.param(
            "https://ex.com/a?id=3&utm_source=rss&page=2&fbclid=IwAR0",
            "https://ex.com/a?id=3&page=2",
            id="order-kept",
        ),
        pytest.param(
            "https://ex.com/a?z=1&gclid=x&a=2&dclid=y&msclkid=z&m=3",
            "https://ex.com/a?z=1&a=2&m=3",
            id="ad-click-ids",
        ),
        pytest.param(
            "https://ex.com/a?mc_cid=1&mc_eid=2&q=x", "https://ex.com/a?q=x", id="mailchimp"
        ),
        pytest.param(
            "https://www.lemonde.fr/a.html?xtor=RSS-3208&at_medium=rss&at_campaign=x",
            "https://www.lemonde.fr/a.html",
            id="at-internet",
        ),
        pytest.param(
            "https://www.lemonde.fr/a.html#xtor=RSS-3208",
            "https://www.lemonde.fr/a.html",
            id="xtor-in-fragment",
        ),
        pytest.param(
            "https://ex.com/a?_hsenc=p2&_hsmi=9&mkt_tok=abc&igshid=1&yclid=2&ref_src=twsrc",
            "https://ex.com/a",
            id="hubspot-marketo-instagram-yandex-twitter",
        ),
        pytest.param(
            "https://ex.com/a?UTM_Source=rss&Keep=1", "https://ex.com/a?Keep=1", id="case"
        ),
        pytest.param(
            "https://ex.com/a?utm%5Fsource=rss&k=1", "https://ex.com/a?k=1", id="encoded-name"
        ),
        pytest.param(
            "https://ex.com/a?utm_source=rss#section-2",
            "https://ex.com/a#section-2",
            id="fragment-kept",
        ),
        pytest.param(
            "https://github.com/o/r/blob/x.py?ref=main&utm_source=rss",
            "https://github.com/o/r/blob/x.py?ref=main",
            id="ref-is-not-tracking",
        ),
        pytest.param(
            "https://ex.com/s?q=caf%C3%A9+cr%C3%A8me&flag&empty=&utm_term=x",
            "https://ex.com/s?q=caf%C3%A9+cr%C3%A8me&flag&empty=",
            id="encoding-and-blank-values-kept",
        ),
        pytest.param(
            "http://user@ex.com:8080/p;x?a=1&utm_id=2",
            "http://user@ex.com:8080/p;x?a=1",
            id="netloc-and-params-kept",
        ),
    ],
)
def test_tracking_parameters_are_removed(url: str, expected: str) -> None:
    assert clean_link(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://ex.com/a",
        "https://ex.com/a?id=3&page=2",
        "https://ex.com/a?b=2&a=1#frag",
        "https://ex.com/a?source=web&session=1&uid=2",
        "https://ex.com/a#top",
        "https://ex.com/?",
        "",
        # Not http(s): returned as they are, trackers and all (safe_link decides on safety).
        "mailto:me@ex.com?subject=hi&utm_source=rss",
        "javascript:alert(1)//?utm_source=x",
        "ftp://ex.com/file?utm_source=x",
        "/relative/path?utm_source=x",
        "data:text/html,<p>?utm_source=x</p>",
    ],
)
def test_urls_without_trackers_are_unchanged(url: str) -> None:
    assert clean_link(url) == url


def test_is_tracking_param() -> None:
    assert is_tracking_param("utm_content")
    assert is_tracking_param("at_medium")
    assert is_tracking_param("FBCLID")
    assert not is_tracking_param("id")
    assert not is_tracking_param("utm")  # only the utm_ prefix
