"""The one gate every piece of feed text passes before it is stored.

`clean_text` strips what a terminal would interpret (control characters, escape sequences,
bidi overrides); `safe_link` keeps only http(s) links; `html_to_markdown` turns feed HTML
into Markdown whose links went through `safe_link` and whose text went through `clean_text`.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

# The native module, not the `convert` wrapper: the wrapper re-validates every option on
# each call, which costs more than converting a typical feed item.
from html_to_markdown import _html_to_markdown as _native

from tui_reader.urls import WEB_SCHEMES, is_web_url

__all__ = ["clean_text", "html_to_markdown", "html_to_text", "safe_link"]

# Escape sequences are removed whole, so their payload ("31m", an OSC 52 clipboard write,
# an OSC 8 hyperlink target) does not survive as visible junk. 7-bit and 8-bit forms.
_CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
# OSC, DCS, SOS, PM, APC: a string up to BEL or ST; an unterminated one ends at the line.
_STRING_SEQ = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
# Other two- or three-character escapes (ESC 7, ESC ( B, ESC c …).
_SHORT_ESC = r"\x1b[ -/]*[0-~]"
# C0 except \t and \n (\r is normalised before), DEL, C1, bidi embeddings/overrides/isolates
# (they can make a title read differently from what it is), lone surrogates.
_FORBIDDEN_CHARS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_FORBIDDEN_RE = re.compile(f"{_CSI}|{_STRING_SEQ}|{_SHORT_ESC}|{_FORBIDDEN_CHARS}")
# Every match of _FORBIDDEN_RE starts with one of these; a plain class scans far faster.
_TRIGGER_RE = re.compile(_FORBIDDEN_CHARS)
_WHITESPACE_RE = re.compile(r"\s+")


def clean_text(s: str, *, single_line: bool = False) -> str:
    """Strip control characters, escape sequences and bidi overrides from untrusted text.

    Keeps tab and newline (CR and CRLF become newline), and every printable character,
    including emoji sequences, CJK and right-to-left text. With `single_line`, every run
    of whitespace (newlines included) becomes one space and the ends are stripped.
    Idempotent.
    """
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if _TRIGGER_RE.search(s) is not None:
        s = _FORBIDDEN_RE.sub("", s)
    if single_line:
        s = _WHITESPACE_RE.sub(" ", s).strip()
    return s


# Browsers drop tabs and newlines anywhere in a URL ("java\tscript:") and trim C0 and spaces
# at the ends; we drop every control character anywhere, and bidi controls too.
_URL_JUNK_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_MAX_URL = 16_384
_ABSOLUTE_HTTP_RE = re.compile(r"https?://", re.IGNORECASE)
# Any whitespace left inside (a space, but also NBSP, U+2028, U+3000) is percent-encoded:
# a link is one unbroken token, in Markdown, in OSC 8 and on a terminal line.
_URL_SPACE_RE = re.compile(r"\s")


def safe_link(url: str, base: str = "", *, allow_mailto: bool = False) -> str:
    """Return `url` made absolute against `base` if it is http(s) (or mailto), else "".

    Anything that could run code or reach local files (javascript:, data:, file:, vbscript:,
    scheme-relative to nowhere, host-less http) is refused.
    """
    if not url or len(url) > _MAX_URL:
        return ""
    if _URL_JUNK_RE.search(url) is not None:
        url = _URL_JUNK_RE.sub("", url)
    url = url.strip()
    if not url:
        return ""
    try:
        if base and not _ABSOLUTE_HTTP_RE.match(url):
            base = _URL_JUNK_RE.sub("", base).strip()
            url = urljoin(base, url)
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in an IPv6 host
        return ""
    scheme = parts.scheme.lower()
    if scheme in WEB_SCHEMES:
        if not is_web_url(parts) or "\\" in parts.netloc:
            return ""
    elif not (allow_mailto and scheme == "mailto" and parts.path):
        return ""
    return _URL_SPACE_RE.sub(lambda m: quote(m.group()), url)


_MD_URL_SPECIAL_RE = re.compile(r"[ ()<>]")
_MD_URL_ESCAPES = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"}


def _markdown_url(url: str) -> str:
    """Percent-encode what would end or confuse a Markdown link destination."""
    if _MD_URL_SPECIAL_RE.search(url) is None:
        return url
    return _MD_URL_SPECIAL_RE.sub(lambda m: _MD_URL_ESCAPES[m.group()], url)


# Elements whose content is never article text, or is active content we will not show.
_DROPPED = [
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "svg",
    "math",
    "canvas",
    "head",
]


class _LinkFilter:
    """html-to-markdown visitor: every link and image target goes through `safe_link`."""

    __slots__ = ("base_url",)

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def visit_link(self, _ctx: Any, href: str, text: str, _title: str | None) -> dict[str, str]:
        """Keep the link when its target is safe, else keep only its text."""
        target = safe_link(href, self.base_url, allow_mailto=True)
        text = text.strip()
        if not target:
            return {"type": "custom", "output": text}
        if not text:
            text = target
        return {"type": "custom", "output": f"[{text}]({_markdown_url(target)})"}

    def visit_image(self, _ctx: Any, src: str, alt: str, _title: str | None) -> dict[str, str]:
        """Keep http(s) images as Markdown images, others as their alt text."""
        target = safe_link(src, self.base_url)
        alt = " ".join(alt.split()).replace("[", "(").replace("]", ")")
        if not target:
            return {"type": "custom", "output": alt}
        return {"type": "custom", "output": f"![{alt}]({_markdown_url(target)})"}


@cache
def _options(output_format: str = "markdown") -> Any:
    """Conversion options (built once: they are immutable)."""
    return _native.ConversionOptions(
        extract_metadata=False,
        autolinks=False,
        output_format=getattr(_native.OutputFormat, output_format.upper()),
        exclude_selectors=_DROPPED,
        inline_data_media=_native.InlineDataMedia.ALT_TEXT_ONLY,
        preprocessing=_native.PreprocessingOptions(
            enabled=True,
            preset=_native.PreprocessingPreset.MINIMAL,
            remove_navigation=False,
            remove_forms=True,
        ),
    )


_TAG_OR_ENTITY_RE = re.compile(r"<[A-Za-z!/?]|&")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


# Every link or image destination in the converter's Markdown follows a "](": this finds
# them all (and more: any "](" at all), so nothing it misses can be a link.
_MD_DESTINATION_RE = re.compile(r"\]\(\s*([^)\s]*)")
_ABSOLUTE_SAFE_RE = re.compile(r"https?://[^\s<>()\"'\\\x00-\x20\x7f-\x9f]+\Z")


def _markdown_if_links_are_safe(source: str) -> str | None:
    """The converter's Markdown when every destination in it is already an absolute http(s)
    URL, else None (the caller converts again, checking each link as the converter meets it).

    Most feed bodies link only to absolute http(s) pages; for them this skips the per-link
    Python callback, which is half the conversion's cost. A `<…>` destination (one with
    spaces or brackets) does not match and takes the careful path too.
    """
    markdown = _native.convert(html=source, options=_options("markdown"), visitor=None).content
    markdown = markdown or ""
    for match in _MD_DESTINATION_RE.finditer(markdown):
        if _ABSOLUTE_SAFE_RE.match(match.group(1)) is None:
            return None
    return markdown


def html_to_markdown(html_text: str, base_url: str = "") -> str:
    """Convert feed HTML to Markdown: safe links only, no active content, clean text.

    Relative links and images resolve against `base_url`. Text without tags or entities
    comes back as it was (cleaned), not reinterpreted.
    """
    if not html_text:
        return ""
    if _TAG_OR_ENTITY_RE.search(html_text) is None:
        return clean_text(html_text).strip()
    # Clean first too: converters may pass ESC/C1 through or turn them into odd text.
    source = clean_text(html_text)
    try:
        markdown = _markdown_if_links_are_safe(source)
        if markdown is None:
            result = _native.convert(
                html=source, options=_options("markdown"), visitor=_LinkFilter(base_url)
            )
            markdown = result.content or ""
    except Exception:  # a converter bug must not lose the whole feed: fall back to text
        markdown = html.unescape(re.sub(r"<[^>]*>", " ", source))
    markdown = clean_text(markdown)
    if "\n\n\n" in markdown:  # the substitution costs a scan of the whole text
        markdown = _BLANK_LINES_RE.sub("\n\n", markdown)
    return markdown.strip()


def html_to_text(html_text: str) -> str:
    """Convert an HTML fragment (a title, an author) to one line of plain text."""
    if not html_text:
        return ""
    if _TAG_OR_ENTITY_RE.search(html_text) is None:
        return clean_text(html_text, single_line=True)
    source = clean_text(html_text)
    try:
        text = _native.convert(html=source, options=_options("plain"), visitor=None).content or ""
    except Exception:
        text = html.unescape(re.sub(r"<[^>]*>", " ", source))
    return clean_text(text, single_line=True)
