"""Feed text stored as it came, turned into Markdown only when an article is shown (issue 11).

At refresh, an item's summary and body are kept as the feed sent them (HTML or plain text,
already through `clean_text`), zlib-compressed in one blob, the *source*; the search index
gets a cheap plain-text form of it (`index_text`). `render` makes the Markdown the reading
pane, `show` and the full-text rules see, with the same gate as before (`html_to_markdown`:
safe links only, clean text), the first time the article is shown; the store caches it.

A source is `zstd("kind\\0base\\0text\\0kind\\0base\\0text")`, summary then body, kind "html"
or "text", or "" when the feed gave no such part (NUL never occurs in the texts). Sources
stored by earlier versions are zlib streams: `unpack` reads both (a zstd frame starts with
its magic number, a zlib stream never does).
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import zstandard

# tui_reader.text loads the HTML converter (a native module): imported where it is used, so
# that opening the store (the app's launch, `headlines`) does not pay for it.

__all__ = [
    "Part",
    "content_hash",
    "fold_ligatures",
    "index_text",
    "index_texts",
    "pack",
    "plain_text",
    "render",
    "unpack",
]

#: One part of a source: (kind, base URL for relative links, text).
Part = tuple[str, str, str]

_LEVEL = 1
MAX_FIELD = 2_000_000  # as parse.MAX_FIELD: a longer text is cut

# Cheap HTML → words: drop elements whose content is never text, then every tag.
_DROPPED_RE = re.compile(
    r"<(script|style|noscript|template|svg|math|head|object|iframe)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG_RE = re.compile(r"<[A-Za-z/!?][^>]*>?")
# What FTS5's unicode61 (remove_diacritics 2) does not fold by itself: "oeuvre" must find
# "œuvre", "strasse" "Straße". Applied to the index and to queries alike.
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ẞ": "SS", "ﬁ": "fi", "ﬂ": "fl"}
)


def fold_ligatures(text: str) -> str:
    """œ → oe, æ → ae, ß → ss (and their capitals, ﬁ, ﬂ); everything else unchanged."""
    # Substring tests find a character several times faster than a character class does.
    if text.isascii() or not any(ligature in text for ligature in _LIGATURE_CHARS):
        return text
    return text.translate(_LIGATURES)


_LIGATURE_CHARS = "œŒæÆßẞﬁﬂ"  # the keys of _LIGATURES
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_codecs = threading.local()  # zstd (de)compressors are not to be shared between threads


# zstandard is imported on first use: opening the store (the app's launch) does not pay for it.


def _compressor() -> zstandard.ZstdCompressor:
    compressor: zstandard.ZstdCompressor | None = getattr(_codecs, "compressor", None)
    if compressor is None:
        import zstandard

        compressor = _codecs.compressor = zstandard.ZstdCompressor(level=_LEVEL)
    return compressor


def _zstd_decompress(source: bytes) -> bytes | None:
    """A zstd frame's bytes, or None when it is damaged."""
    import zstandard

    decompressor: zstandard.ZstdDecompressor | None = getattr(_codecs, "decompressor", None)
    if decompressor is None:
        decompressor = _codecs.decompressor = zstandard.ZstdDecompressor()
    try:
        return decompressor.decompress(source)
    except zstandard.ZstdError:
        return None


def pack(summary: Part | None, body: Part | None) -> bytes:
    """The stored source of an item: its parts, NUL-separated, zstd-compressed (level 1:
    twice as fast as zlib's fastest level, and smaller)."""
    fields: list[str] = []
    for part in (summary, body):
        fields += part if part is not None else ("", "", "")
    data = "\x00".join(fields)
    if data.count("\x00") != 5:  # a field holds a NUL: drop it, it would end the field
        data = "\x00".join(field.replace("\x00", "") for field in fields)
    return _compressor().compress(data.encode("utf-8", "surrogatepass"))


def unpack(source: bytes) -> tuple[Part | None, Part | None]:
    """`pack`'s parts again (a damaged blob reads as an item without text)."""
    try:
        if source.startswith(_ZSTD_MAGIC):
            data = _zstd_decompress(source)
        else:  # stored by an earlier version
            data = zlib.decompress(source)
        if data is None:
            return None, None
        fields = data.decode("utf-8", "surrogatepass").split("\x00", 5)
    except (zlib.error, UnicodeDecodeError):
        return None, None
    if len(fields) != 6:
        return None, None
    summary = (fields[0], fields[1], fields[2]) if fields[0] else None
    body = (fields[3], fields[4], fields[5]) if fields[3] else None
    return summary, body


def content_hash(fields: Sequence[str]) -> str:
    """A short hash of an item's fields: an entry stored with the same hash is unchanged."""
    import hashlib  # here, not at the launch: only a refresh hashes (issue 11)

    # Each field then a NUL, hashed in one piece (one encode instead of one per field).
    data = "\x00".join(fields) + "\x00" if fields else ""
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def plain_text(part: Part | None) -> str:
    """The words of a part, for the search index and the "summary only" rule.

    Cheap on purpose (regular expressions, no parser): it only has to find the words.
    """
    if part is None:
        return ""
    kind, _base, text = part
    if kind == "html" and ("<" in text or "&" in text):
        # No clean_text here: this text is never shown, only indexed and measured (the
        # tokenizer reads control characters as separators).
        if "<!--" in text:
            text = _COMMENT_RE.sub(" ", text)
        if "</" in text:
            text = _DROPPED_RE.sub(" ", text)
        import html  # here, not at the launch: only a refresh indexes (issue 11)

        text = html.unescape(_TAG_RE.sub(" ", text))
    # Runs of whitespace stay: the tokenizer and the "summary only" rule both skip them.
    return text.strip()


def _markdown(part: Part | None) -> str:
    if part is None:
        return ""
    kind, base, text = part
    if kind == "html":
        from tui_reader.text import html_to_markdown  # the converter: only when shown

        return html_to_markdown(text, base)[:MAX_FIELD]
    from tui_reader.text import clean_text

    return clean_text(text).strip()[:MAX_FIELD]


def render(source: bytes) -> tuple[str, str]:
    """`(summary, body)` as Markdown, exactly as the parser used to store them."""
    summary_part, body_part = unpack(source)
    body = _markdown(body_part)
    summary = _markdown(summary_part)
    if summary == body:  # the feed gave the same text twice: keep it once, as the body
        summary = ""
    return summary, body


def index_texts(source: bytes | None, summary: str | None, body: str | None) -> tuple[str, str]:
    """What the search index holds for an article's summary and body (source unpacked once).

    Plain text of the source; for an article stored without one (before sources existed,
    or a sync server's item), its stored Markdown. Ligatures folded either way. The index
    must get exactly this back to delete a row: the triggers and the catch-up both use it.
    """
    if source is None:
        return fold_ligatures(summary or ""), fold_ligatures(body or "")
    summary_part, body_part = unpack(source)
    return fold_ligatures(plain_text(summary_part)), fold_ligatures(plain_text(body_part))


def index_text(source: bytes | None, which: int, fallback: str | None) -> str:
    """Part `which` (0 summary, 1 body) of `index_texts`, `fallback` the stored Markdown of
    that part. Registered as an SQL function for the index's triggers."""
    if source is None:
        return fold_ligatures(fallback or "")
    return index_texts(source, None, None)[which]
