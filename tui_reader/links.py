"""Clean links: drop tracking parameters from http(s) URLs, keep everything else as it was.

`courlan` (installed with trafilatura) has a tracker filter, but it sorts the remaining
parameters, re-encodes them and matches broad substrings (`source`, `ref`, `session`,
`uid` …) that also name real parameters (GitHub's `?ref=main`). So tui-reader keeps its own
list of parameters that only ever track, drawn from the same maintained lists courlan cites:
ClearURLs rules, AdGuard's TrackParamFilter (general_url.txt) and Firefox query stripping.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from tui_reader.urls import is_web_scheme

__all__ = ["TRACKING_PARAMS", "TRACKING_PREFIXES", "clean_link", "is_tracking_param"]

#: Parameter names removed wherever they appear (compared in lower case).
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        # Google Ads / Analytics / DoubleClick
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "_ga",
        "_gl",
        # Meta, Microsoft, X/Twitter, TikTok, LinkedIn, Yandex, Instagram
        "fbclid",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
        "fb_source",
        "msclkid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "yclid",
        "ysclid",
        "igshid",
        "igsh",
        "ref_src",
        "ref_url",
        # Mailchimp, HubSpot, Marketo, Klaviyo, Drip, Vero
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "_kx",
        "__s",
        "vero_conv",
        "vero_id",
        # AT Internet (Xiti; used by most French news sites), Echobox, Adobe, Yahoo, Webtrends
        "xtor",
        "echobox",
        "s_kwcid",
        "ef_id",
        "ncid",
        "wt.mc_id",
        "_openstat",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "_branch_match_id",
    }
)

#: Parameter name prefixes removed (compared in lower case).
TRACKING_PREFIXES: tuple[str, ...] = (
    "utm_",  # Google Analytics campaign parameters
    "at_",  # AT Internet / Piano Analytics campaign parameters
    "pk_",  # Matomo (Piwik) campaign parameters
    "mtm_",  # Matomo campaign parameters
    "hsa_",  # HubSpot ads
    "itm_",  # internal campaign tracking
)


def is_tracking_param(name: str) -> bool:
    """True when a query parameter name is a known tracking parameter."""
    key = unquote(name).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _strip_params(part: str) -> tuple[str, bool]:
    """Drop tracking items from `a=1&b=2`: the new string, and whether anything went."""
    items = part.split("&")
    kept = [item for item in items if not is_tracking_param(item.partition("=")[0])]
    return "&".join(kept), len(kept) != len(items)


def clean_link(url: str) -> str:
    """Remove tracking parameters from an http(s) URL; other parameters keep their order.

    The fragment is kept, except tracking items written as `#xtor=RSS-3` (AT Internet and
    Echobox put them there). A URL that is not http(s), or that has nothing to remove, is
    returned unchanged: deciding whether a link is safe is `text.safe_link`'s job.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    if not is_web_scheme(parts.scheme):
        return url
    query, query_changed = _strip_params(parts.query) if parts.query else ("", False)
    fragment, fragment_changed = parts.fragment, False
    if "=" in fragment:
        fragment, fragment_changed = _strip_params(fragment)
    if not (query_changed or fragment_changed):
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, fragment))
