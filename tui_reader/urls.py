"""The one URL rule: a feed, page or link address is an absolute http(s) URL with a host.

`url_problem` says in one line why a URL breaks the rule (config, OPML import and fetch
use it); `is_web_url` is the same rule on an already split URL (text.safe_link);
`is_web_scheme` is its scheme test alone (links.clean_link, fetch's redirects), and
`redirect_problem` words a redirect that leaves http(s); `port_of` fills in a scheme's
default port (fetch's per-site limits, full text's "site is down" memory).
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from tui_reader.i18n import _

__all__ = [
    "WEB_SCHEMES",
    "is_web_scheme",
    "is_web_url",
    "port_of",
    "redirect_problem",
    "url_problem",
]

WEB_SCHEMES = ("http", "https")


def is_web_scheme(scheme: str) -> bool:
    """http or https, in any case."""
    return scheme.lower() in WEB_SCHEMES


def is_web_url(parts: SplitResult) -> bool:
    """An http or https URL with a host."""
    return is_web_scheme(parts.scheme) and bool(parts.hostname)


def port_of(scheme: str, port: int | None) -> int:
    """The port a URL connects to: its own, else its scheme's default (https 443, http 80)."""
    return port or (443 if scheme.lower() == "https" else 80)


def redirect_problem(scheme: str) -> str | None:
    """The one-line error of a redirect to a URL of `scheme` ("": none), or None when the
    scheme is http(s). Fetch errors are stored and shown as the server's words: English."""
    if is_web_scheme(scheme):
        return None
    shown = f" ({scheme.lower()}:)" if scheme else ""
    return f"redirect to a non-http(s) URL{shown}"


_SPACE_OR_CONTROL_RE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
"""What `str.isspace` finds, and Unicode category Cc."""


def url_problem(url: str) -> str | None:
    """Why `url` is not an absolute http(s) URL with a host, or None when it is one."""
    if _SPACE_OR_CONTROL_RE.search(url) is not None:
        return _("invalid URL: it contains spaces or control characters; percent-encode them")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError as exc:
        return _("invalid URL: {error}").format(error=exc)
    if not parts.scheme:
        return _("not an absolute http(s) URL; write it like https://example.com/feed")
    if not is_web_scheme(parts.scheme):
        return _("unsupported URL scheme {scheme} (only http and https)").format(
            scheme=repr(parts.scheme)
        )
    if not is_web_url(parts):
        return _("invalid URL: no host; write it like https://example.com/feed")
    return None
