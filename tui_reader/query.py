"""The elfeed-like search language shared by the TUI `/` prompt and `headlines --search`.

`+tag` must have, `-tag` must not have, `=feed` feed name contains, `@7d` newer than
(h, d, w, m, y), `is:unread`, `is:bookmarked` (alias `is:starred`), `is:hidden` (only the
items a rule hides; every other query leaves them out); everything else is
full-text search, with "quoted phrases" kept together. Parsing never raises: a token that
does not fit its form is searched as text.

`fts_match_expression` turns that free text into an FTS5 expression in which every user
word is a quoted string, so nothing a user types can be FTS5 syntax.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tui_reader.deferred import fold_ligatures
from tui_reader.i18n import _
from tui_reader.models import ArticleQuery

# A token is an optional sigil followed by a "quoted phrase" (closing quote optional),
# or a run of non-space characters.
_TOKEN = re.compile(r'([+\-=@]?)"([^"]*)"?|(\S+)')
_AGE = re.compile(
    r"(\d{1,6})\s*(h|hours?|d|days?|w|weeks?|m|months?|y|years?)",
    re.IGNORECASE,
)
_UNIT_HOURS = {"h": 1, "d": 24, "w": 24 * 7, "m": 24 * 30, "y": 24 * 365}
_FTS_TOKEN = re.compile(r"[^\W_]+")  # letters and digits: what unicode61 indexes as a token
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMPTY = ArticleQuery()


def _tokens(text: str) -> list[tuple[str, str, bool]]:
    """Split into (sigil, value, quoted) triples; never raises."""
    out: list[tuple[str, str, bool]] = []
    for match in _TOKEN.finditer(text):
        sigil, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            out.append(("", bare, False))
        else:
            out.append((sigil or "", phrase, True))
    return out


def _age(value: str) -> timedelta | None:
    """`7d` → 7 days; None when the value is not an age."""
    match = _AGE.fullmatch(value)
    if match is None:
        return None
    hours = int(match.group(1)) * _UNIT_HOURS[match.group(2)[0].lower()]
    try:
        return timedelta(hours=hours)
    except OverflowError:
        return None


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    """Drop case-insensitive duplicates, keeping the first spelling and the order."""
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return tuple(out)


def parse_search(text: str, *, base: ArticleQuery = _EMPTY, now: datetime) -> ArticleQuery:
    """Parse `text` in the search language and merge it into `base` (tags are appended)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    tags: list[str] = []
    exclude: list[str] = []
    feed_contains = base.feed_contains
    unread, bookmarked = base.unread, base.bookmarked
    hidden = base.hidden
    newer_than = base.newer_than
    words: list[str] = []

    for sigil, value, quoted in _tokens(text):
        if not quoted and len(value) > 1 and value[0] in "+-=@":
            sigil, value = value[0], value[1:]
        if sigil == "+" and value.strip():
            tags.append(value.strip())
        elif sigil == "-" and value.strip():
            exclude.append(value.strip())
        elif sigil == "=" and value.strip():
            feed_contains = value.strip()
        elif sigil == "@" and (age := _age(value.strip())) is not None:
            try:
                since = now - age
            except OverflowError:
                since = datetime.min.replace(tzinfo=UTC)
            newer_than = since if newer_than is None else max(newer_than, since)
        elif not sigil and not quoted and value.lower() == "is:unread":
            unread = True
        elif not sigil and not quoted and value.lower() in ("is:bookmarked", "is:starred"):
            bookmarked = True
        elif not sigil and not quoted and value.lower() == "is:hidden":
            hidden = "only"
        elif quoted:
            # The value cannot hold a quote (the tokenizer stops at one), so re-quoting is safe.
            words.append(f'{sigil}"{value}"' if value else "")
        else:
            words.append(sigil + value)

    free = " ".join(w for w in words if w)
    if base.text and free:
        free = f"{base.text} {free}"
    elif base.text:
        free = base.text
    return replace(
        base,
        tags=_unique(base.tags + tuple(tags)),
        exclude_tags=_unique(base.exclude_tags + tuple(exclude)),
        feed_contains=feed_contains,
        unread=unread,
        bookmarked=bookmarked,
        newer_than=newer_than,
        text=free or None,
        hidden=hidden,
    )


def _fts_string(value: str) -> str:
    """Quote `value` as an FTS5 string (internal quotes doubled)."""
    return '"' + value.replace('"', '""') + '"'


def fts_match_expression(text: str) -> str | None:
    """Turn free search text into a safe FTS5 MATCH expression; None when nothing to search.

    The text is cut into the tokens FTS5's unicode61 tokenizer would index (runs of letters
    and digits), each quoted as its own string and ANDed; the last bare word's last token is
    a prefix match. The index keeps no word positions (`detail = column`), so a "quoted
    phrase" searches for its words anywhere rather than side by side.
    """
    tokens: list[tuple[str, bool]] = []  # (token, last token of a bare word)
    # FTS5 reads a NUL as the end of the query ("unterminated string"): drop controls.
    text = _CONTROL.sub(" ", text)
    text = fold_ligatures(text)  # as the index is: "œuvre" and "oeuvre" find each other
    for sigil, value, quoted in _tokens(text):
        pieces = _FTS_TOKEN.findall(value if quoted else sigil + value)
        tokens += [(piece, not quoted and i == len(pieces) - 1) for i, piece in enumerate(pieces)]
    if not tokens:
        return None
    out = [_fts_string(token) for token, _ in tokens]
    if tokens[-1][1]:
        out[-1] += "*"
    return " ".join(out)


_IS_WORDS = ("is:unread", "is:bookmarked", "is:starred", "is:hidden")


def query_problem(text: str) -> str | None:
    """Why `text` is not a query fit for a config (views, rules, hooks), or None when it is.

    The interactive search forgives everything (a stray token is searched as text); a saved
    query is checked strictly so that a typo is reported with its line instead of silently
    matching nothing.
    """
    if not text.strip():
        return _("empty query; write words, +tag, -tag, =feed, @7d or is:unread")
    if _CONTROL.search(text):
        return _("the query contains control characters; remove them")
    if text.count('"') % 2:
        return _('unbalanced double quote; close the "quoted phrase"')
    for sigil, value, quoted in _tokens(text):
        if not quoted and len(value) > 1 and value[0] in "+-=@":
            sigil, value = value[0], value[1:]
        if not quoted and value in "+-=@":
            return _("{token!r} alone: write it right before a word, like +tech or =Clubic").format(
                token=value
            )
        if sigil == "@" and _age(value.strip()) is None:
            return _("@{value} is not an age; write it like @7d, @12h, @2w, @3m or @1y").format(
                value=value
            )
        if sigil and sigil in "+-=" and not value.strip():
            return _('{sigil}"" is empty; give it a name').format(sigil=sigil)
        lowered = value.lower()
        if not sigil and not quoted and lowered.startswith("is:") and lowered not in _IS_WORDS:
            return _("unknown {word!r}; use is:unread, is:bookmarked or is:hidden").format(
                word=value
            )
    return None
