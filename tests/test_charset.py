"""charset.py: one decoder for bytes of unknown charset (feeds and pages); it never fails."""

from __future__ import annotations

import codecs

import pytest

from tui_reader.charset import codec_name, decode_bytes

TEXT = "Déjà l’été — 5 €"


@pytest.mark.parametrize(
    ("body", "declared", "utf8_first", "text"),
    [
        (codecs.BOM_UTF8 + TEXT.encode(), ("latin-1",), False, TEXT),  # a BOM wins
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), (), False, TEXT),
        ("<?x".encode("utf-16-le"), (), False, "<?x"),  # UTF-16 without a BOM
        (TEXT.encode(), ("iso-8859-5",), True, TEXT),  # valid UTF-8 first (feeds)
        (TEXT.encode("cp1252"), ("iso-8859-1",), False, TEXT),  # latin-1 read as cp1252
        (TEXT.encode("cp1252"), (), False, TEXT),  # bad UTF-8 read as cp1252
        ("Жж".encode("koi8-r"), (None, "nonsense", "koi8-r"), False, "Жж"),  # first known
        ("é".encode() + "’".encode("cp1252"), (), False, "é’"),  # mixed, byte by byte
        (b"\x81ok", ("utf-8",), False, "\x81ok"),  # no cp1252 glyph: the byte's code point
        (b"ok", ("base64",), True, "ok"),  # no text codec
        (b"\xff", ("base64",), False, "ÿ"),
    ],
)
def test_decode_bytes(body: bytes, declared: tuple[str, ...], utf8_first: bool, text: str) -> None:
    assert decode_bytes(body, declared, utf8_first=utf8_first) == text


def test_declared_charset_wins_over_utf8_for_pages() -> None:
    body = "Жж".encode("koi8-r")
    assert decode_bytes(body, ("koi8-r",)) == "Жж"


@pytest.mark.parametrize(
    ("label", "name"),
    [("ISO-8859-1", "iso8859_1"), ("utf8", "utf_8"), ("windows-1252", "cp1252"), ("x", None)],
)
def test_codec_name(label: str, name: str | None) -> None:
    assert codec_name(label) == name
