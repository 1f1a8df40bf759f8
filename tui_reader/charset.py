"""Bytes of unknown charset → text: the one decoder for feeds (parse) and pages (fulltext).

A byte-order mark wins; then (for feeds) bytes that are valid UTF-8; then the first declared
label that names a text codec, callers passing their labels in their own order (a feed's
XML declaration before the HTTP header; a page's header before its `<meta charset>`).
Latin-1 labels are read as Windows-1252, the way browsers do (WHATWG Encoding: ’ “ ” € œ
live there), and UTF-8 that is not UTF-8 is read as Windows-1252 byte by byte. Decoding
never fails.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable

__all__ = ["codec_name", "decode_bytes"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CP1252_LIKE = frozenset({"latin_1", "iso8859_1", "cp1252", "ascii", "iso8859_15"})


def _byte_as_cp1252(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: no cp1252 glyph
        return chr(b)


_CP1252 = tuple(_byte_as_cp1252(b) for b in range(256))
_FALLBACK_HANDLER = "tui_reader.cp1252"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the bytes a codec rejected as Windows-1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(_CP1252[b] for b in bad), error.end


codecs.register_error(_FALLBACK_HANDLER, _cp1252_fallback)


def codec_name(label: str | None) -> str | None:
    """Python's name for a charset label ("ISO-8859-1" → "iso8859_1"), or None if unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None


def decode_bytes(
    body: bytes, declared: Iterable[str | None] = (), *, utf8_first: bool = False
) -> str:
    """Decode `body` (see the module's docstring); `declared`: charset labels, best first."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    if body[:4] == b"<\x00?\x00":
        return body.decode("utf-16-le", errors="replace")
    if body[:4] == b"\x00<\x00?":
        return body.decode("utf-16-be", errors="replace")
    if utf8_first:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    codec = next((name for label in declared if (name := codec_name(label))), None)
    if codec in _CP1252_LIKE:
        return body.decode("cp1252", errors=_FALLBACK_HANDLER)
    if codec is not None and not codec.startswith("utf_8"):
        try:
            return body.decode(codec, errors="replace")
        except (LookupError, ValueError):  # "base64" and friends are no text codecs
            pass
    # Declared or assumed UTF-8 but it is not: the usual culprit is Windows-1252.
    return body.decode("utf-8", errors=_FALLBACK_HANDLER)
