"""Dates in feeds → aware UTC datetimes: our own parser, shared by every feed path.

`parse_date` reads ISO 8601 / RFC 3339 (Atom, JSON Feed), RFC 822 (RSS) and French dates
("jeu., 28 nov. 2026 10:00"). It is also registered with feedparser through its public
`registerDateHandler` (`feedparser_date`), ahead of feedparser's own handlers, so that the
lxml fast path (fastfeed.py) and feedparser read every date this parser knows the same way;
for a date it does not know, the fast path hands the document to feedparser, whose own
handlers (Greek, Korean, asctime, ...) then have their say.
"""

from __future__ import annotations

import email.utils
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["feedparser_date", "parse_date"]

_FR_MONTHS = {
    "jan": 1, "janv": 1, "janvier": 1,
    "fev": 2, "fevr": 2, "fevrier": 2,
    "mar": 3, "mars": 3,
    "avr": 4, "avril": 4,
    "mai": 5,
    "juin": 6,
    "juil": 7, "juillet": 7,
    "aou": 8, "aout": 8,
    "sep": 9, "sept": 9, "septembre": 9,
    "oct": 10, "octobre": 10,
    "nov": 11, "novembre": 11,
    "dec": 12, "decembre": 12,
}  # fmt: skip
_ACCENTS = str.maketrans("éèêëûùôàâç", "eeeeuuoaac")
_FR_DATE_RE = re.compile(
    r"^\s*(?:[^\W\d_]+\.?,?\s+)?(\d{1,2})(?:er)?\s+([^\W\d_]+)\.?\s+(\d{4})"
    r"(?:\s+(?:à\s+)?(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)
# A trailing word after the time that the e-mail parser may not know ("CEST"): such a date
# is left to feedparser rather than read as UTC.
_ZONE_WORD_RE = re.compile(r"\d\s*([A-Za-z]+)\s*$")
_UTC_WORDS = frozenset({"UT", "UTC", "GMT", "Z"})


def _french(value: str) -> datetime | None:
    """Parse "jeu., 28 nov. 2026 10:00:00 +0100" and friends; None if it is not one."""
    match = _FR_DATE_RE.match(value)
    if match is None:
        return None
    day, month_name, year, hour, minute, second, zone = match.groups()
    month = _FR_MONTHS.get(month_name.lower().translate(_ACCENTS))
    if month is None:
        return None
    offset = timedelta(0)
    if zone and zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if zone[0] == "-":
            offset = -offset
    try:
        local = datetime(
            int(year), month, int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    return (local - offset).replace(tzinfo=UTC)


def _rfc822(value: str) -> datetime | None:
    """RFC 822/2822 dates through the standard library; None when unsure of the zone."""
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        zone = _ZONE_WORD_RE.search(value)
        if zone is not None and zone.group(1).upper() not in _UTC_WORDS:
            return None  # a zone name the e-mail parser does not know
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return None


def parse_date(value: Any) -> datetime | None:
    """The moment a feed's date string names, in UTC; None if it is no date we know."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is not None:
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        try:
            return parsed.astimezone(UTC)
        except OverflowError:  # year 1 or 9999 shifted out of range
            return None
    return _french(value) or _rfc822(value)


def feedparser_date(value: str) -> time.struct_time | None:
    """A feedparser date handler (a 9-tuple in UTC, or None): `parse_date` for feedparser."""
    moment = parse_date(value)
    return None if moment is None else moment.utctimetuple()
