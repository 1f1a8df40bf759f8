"""The one URL rule: a feed, page or link address is an absolute http(s) URL with a host.

`url_problem` says in one line why a URL breaks the rule (config, OPML import and fetch
use it); `is_web_url` is the same rule on an already split URL (text.safe_link).
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from tui_reader.i18n import _

__all__ = ["WEB_SCHEMES", "is_web_url", "url_problem"]

WEB_SCHEMES = ("http", "https")


def is_web_url(parts: SplitResult) -> bool:
    """An http or https URL with a host."""
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


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
    if parts.scheme.lower() not in WEB_SCHEMES:
        return _("unsupported URL scheme {scheme} (only http and https)").format(
            scheme=repr(parts.scheme)
        )
    if not is_web_url(parts):
        return _("invalid URL: no host; write it like https://example.com/feed")
    return None
