"""HTML → Markdown: the main text of an article page, and what to do with it.

`extract_markdown` runs trafilatura on the page, then makes the links it kept safe: targets
resolved against the page (and its `<base href>`), tracking parameters dropped, anything but
http(s) unlinked. The result passes `text.clean_text` like every other piece of feed text.
`is_summary_only` tells a feed's teaser from a whole article, and `reading_time_minutes`
gives the estimate shown in the reading pane. Everything here is synchronous and CPU-bound:
callers run it off the event loop.
"""

from __future__ import annotations

import contextlib
import re
from html import unescape

import lxml.html
from lxml import etree

from tui_reader.links import clean_link
from tui_reader.text import clean_text, safe_link

__all__ = [
    "READING_WPM",
    "SUMMARY_MAX_CHARS",
    "extract_markdown",
    "is_summary_only",
    "reading_time_minutes",
]

# Elements trafilatura deletes anyway before it looks for the article (its MANUALLY_CLEANED
# list), minus those it reads first: <head> (base URL, JSON-LD), <form> (some sites wrap the
# whole page in one), <figure> (may hold a table), <math> (formulas are salvaged). Deleting
# them before trafilatura copies the tree (several times) makes every later pass cheaper.
_NOISE_TAGS = (
    "applet", "area", "aside", "audio", "button", "canvas", "datalist", "dialog", "embed",
    "fencedframe", "fieldset", "footer", "frame", "frameset", "iframe", "input", "link", "map",
    "marquee", "menu", "menuitem", "nav", "noindex", "noscript", "object", "optgroup", "option",
    "output", "param", "progress", "select", "source", "style", "svg", "textarea",
    "track", "video",
)  # fmt: skip

_DROP_TAG = "tui-reader-drop"

# A Markdown link or image whose opening bracket is not escaped: `[text](target)` or
# `[text](<target>)`. Even runs of backslashes before it are literal backslashes.
_MD_LINK_RE = re.compile(
    r"(?<!\\)(?P<bs>(?:\\\\)*)(?P<bang>!?)\[(?P<text>(?:\\.|[^\\\[\]])*)\]"
    r"\((?:<(?P<angle>(?:\\.|[^\\<>\n])*)>|(?P<bare>[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*))"
    r"(?:\s+\"[^\"\n]*\")?\)"
)


def _document_base(tree: lxml.html.HtmlElement, url: str) -> str:
    """The URL relative links resolve against: the page's `<base href>` when it is http(s)."""
    for base in tree.iter("base"):
        href = base.get("href")
        if href and href.strip():
            return safe_link(href, url) or url
    return url


_MD_URL_ESCAPES = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})
_ANGLE_UNESCAPE_RE = re.compile(r"\\([\\<>])")


def _strip_noise(tree: lxml.html.HtmlElement) -> None:
    """Delete elements that never hold article text (their tails stay: they are not theirs)."""
    # JSON-LD stays: trafilatura reads it to recognise forum threads and rescue bodies.
    # Other scripts are renamed and stripped by lxml in C: drop_tree() would join text in
    # Python, which lxml refuses when the page decoded an entity such as &#27; into it.
    for script in tree.iter("script"):
        if script.get("type") != "application/ld+json":
            script.tag = _DROP_TAG
    etree.strip_elements(tree, _DROP_TAG, *_NOISE_TAGS, with_tail=False)


def _fix_links(markdown: str, base: str) -> str:
    """Make every Markdown link and image target absolute, http(s) and tracker-free.

    A link whose target is anything else (`javascript:`, `data:`, `file:` …) becomes its text.
    Only the links trafilatura kept are touched, which is far cheaper than the whole page's.
    """

    def replace(match: re.Match[str]) -> str:
        angle = match["angle"]
        raw = _ANGLE_UNESCAPE_RE.sub(r"\1", angle) if angle is not None else match["bare"]
        target = safe_link(raw, base)
        if not target:
            return match["bs"] + match["text"]
        target = clean_link(target).translate(_MD_URL_ESCAPES)
        return f"{match['bs']}{match['bang']}[{match['text']}]({target})"

    if "](" not in markdown:
        return markdown
    return _MD_LINK_RE.sub(replace, markdown)


def _run_trafilatura(tree: lxml.html.HtmlElement, *, precision: bool) -> str | None:
    """trafilatura's Markdown for the tree, links and tables kept, or None."""
    import trafilatura  # imported on first use: it costs ~0.2 s, which start-up should not pay

    return trafilatura.extract(
        tree,
        url=None,  # links are resolved afterwards, against the page's own base
        output_format="markdown",
        favor_precision=precision,
        include_links=True,
        include_tables=True,
        include_comments=False,
        include_images=True,  # pictures stay where they stand: the reading pane draws them
        with_metadata=False,
        deduplicate=False,
    )


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """The page as an lxml tree (trafilatura's loader: it copes with encodings), or None."""
    from trafilatura.utils import load_html

    try:
        return load_html(html)
    except (ValueError, TypeError, etree.LxmlError):
        return None


def extract_markdown(html: str, url: str) -> str | None:
    """The main text of an article page as clean Markdown, or None when there is none.

    trafilatura runs with `favor_precision=True` first and, when that finds nothing, again
    without it on the untouched page. Links in the result are absolute http(s) URLs without
    tracking parameters; other targets (`javascript:`, `data:`, `file:` …) are dropped and
    their text kept.
    """
    if not html or not html.strip():
        return None
    if "\x1b" in html or "\x9b" in html:
        # whole escape sequences go, not just the ESC (trafilatura would leave "[31m")
        html = clean_text(html)
    tree = _parse(html)
    if tree is None:
        return None
    base = _document_base(tree, url)
    lead = _lead_picture(tree, base)
    _strip_noise(tree)
    markdown = _run_trafilatura(tree, precision=True)
    if not markdown and (tree := _parse(html)) is not None:
        markdown = _run_trafilatura(tree, precision=False)
    if not markdown:
        return None
    markdown = clean_text(_fix_links(markdown, base)).strip()
    if markdown and lead and "![" not in markdown:
        markdown = f"{lead}\n\n{markdown}"  # the page's own picture heads an article without any
    return markdown or None


def _lead_picture(tree: lxml.html.HtmlElement, base: str) -> str:
    """The page's `og:image` (or `twitter:image`) as a Markdown picture line, or ""."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in ("og:image", "og:image:secure_url", "twitter:image", "og:image:alt"):
            found.setdefault(key, (meta.get("content") or "").strip())
    for key in ("og:image:secure_url", "og:image", "twitter:image"):
        target = safe_link(found.get(key, ""), base)
        if target:
            alt = clean_text(found.get("og:image:alt", ""), single_line=True)
            alt = "".join("\\" + ch if ch in "\\[]" else ch for ch in alt)
            return f"![{alt}]({clean_link(target).translate(_MD_URL_ESCAPES)})"
    return ""


# ---------------------------------------------------------------------------------------
# Summary-only detection
# ---------------------------------------------------------------------------------------

#: Below this many characters of visible text, a feed item is a teaser, not an article.
SUMMARY_MAX_CHARS = 600

_APOS = "['’]"
# WordPress (Yoast SEO) footers, appended to excerpts and to whole articles alike: strip
# them, then judge what is left.
_WP_FOOTER_RE = re.compile(
    r"(?:The post .{1,300}? appeared first on .{1,200}?"
    rf"|L{_APOS}article .{{1,300}}? est apparu en premier sur .{{1,200}}?"
    rf"|Cet article .{{1,300}}? est apparu en premier sur .{{1,200}}?)"
    r"\s*\.?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_WP_FOOTER_SPAN = 1_000  # longer than any text _WP_FOOTER_RE can match in visible text
# "Read more" style invitations near the end of the text (a title may follow them).
_READ_MORE_RE = re.compile(
    r"\b(?:read more|read the (?:full|whole|rest of the) (?:article|story|post)"
    r"|read full (?:article|story)|continue reading|keep reading|full story"
    rf"|lire la suite|lire plus|lire l{_APOS}article|lire la totalit[ée]"
    rf"|la suite (?:de l{_APOS}article|sur)|voir l{_APOS}article|en savoir plus"
    r"|cliquez ici pour (?:lire|voir))\b",
    re.IGNORECASE,
)
# A text cut off mid-way: an ellipsis (bracketed or not), possibly followed by an arrow.
_CUT_OFF_RE = re.compile(r"(?:…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\))[\s→»>]*$")
_TAIL_CHARS = 160
_MD_TARGET_RE = re.compile(r"!?\[((?:\\.|[^\\\[\]])*)\]\([^)\n]*\)")
_TAG_HINT_RE = re.compile(r"<[a-zA-Z/!]")


def _visible_text(text: str) -> str:
    """Feed text (HTML, Markdown or plain) reduced to its words, whitespace collapsed."""
    if _TAG_HINT_RE.search(text):
        with contextlib.suppress(ValueError, etree.LxmlError):
            text = lxml.html.fromstring(f"<div>{text}</div>").text_content()
    elif "&" in text:
        text = unescape(text)  # "[&#8230;]" in an excerpt without tags
    text = _MD_TARGET_RE.sub(r"\1", text)
    return " ".join(text.split())


def is_summary_only(summary: str, body: str) -> bool:
    """True when a feed item carries a teaser rather than the whole article.

    The longer of the item's summary and body is judged: it is a teaser when it is short
    (under `SUMMARY_MAX_CHARS` characters of text once a WordPress "The post … appeared
    first on …" footer is removed), ends cut off ("…", "[…]", "[...]"), or ends with an
    invitation to read on ("Read more", "Continue reading", "Lire la suite", "Lire
    l'article" …).
    """
    text = max((_visible_text(summary or ""), _visible_text(body or "")), key=len)
    # A footer ends the text and is at most ~540 characters long (its parts are bounded and
    # the text's whitespace is collapsed): only the tail can hold it, so only the tail is
    # searched (scanning a long article for it cost half the time of this function).
    cut = max(0, len(text) - _WP_FOOTER_SPAN)
    text = (text[:cut] + _WP_FOOTER_RE.sub("", text[cut:])).rstrip()
    if len(text) < SUMMARY_MAX_CHARS:
        return True
    tail = text[-_TAIL_CHARS:]
    return bool(_CUT_OFF_RE.search(tail) or _READ_MORE_RE.search(tail))


# ---------------------------------------------------------------------------------------
# Reading time
# ---------------------------------------------------------------------------------------

#: Silent reading speed of adults, words per minute, by language: the IReST study
#: (Trauzettel-Klosinski & Dietz, "Standardized Assessment of Reading Performance: The New
#: International Reading Speed Texts IReST", IOVS 2012), texts of the same content in each
#: language. Unknown languages use the English figure.
READING_WPM: dict[str, int] = {"en": 228, "fr": 195, "de": 179, "es": 218}

_WORD_RE = re.compile(r"\w+(?:['’-]\w+)*")
# Frequent function words, enough to tell French from English.
_FR_WORDS = frozenset(
    "le la les des du une est et que qui dans pour pas sur au aux avec ce cette sont"  # noqa: SIM905
    " ou mais nous vous il elle ils leur plus".split()
)
_EN_WORDS = frozenset(
    "the and of to is in that for it with as was on are be this by have from or not"  # noqa: SIM905
    " you they his at but".split()
)


def _guess_language(words: list[str]) -> str:
    """'fr' or 'en' from function-word counts in the first few hundred words."""
    sample = [w.lower() for w in words[:400]]
    fr = sum(w in _FR_WORDS for w in sample)
    en = sum(w in _EN_WORDS for w in sample)
    return "fr" if fr > en else "en"


def reading_time_minutes(markdown: str, lang_hint: str | None = None) -> int:
    """Estimated minutes to read a Markdown text (link targets not counted); at least 1.

    `lang_hint` is a language tag such as "fr" or "en-GB"; without one, French and English
    are told apart by their most frequent words.
    """
    words = _WORD_RE.findall(_MD_TARGET_RE.sub(r"\1", markdown or ""))
    lang = (lang_hint or "").strip().lower().replace("_", "-").split("-")[0]
    if not lang:
        lang = _guess_language(words)
    wpm = READING_WPM.get(lang, READING_WPM["en"])
    return max(1, round(len(words) / wpm))
