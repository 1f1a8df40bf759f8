"""Dates as the user reads them: English keeps the ISO-like forms, French reads
"27 nov. 13:30" and "il y a 3 h" for today (Babel's CLDR data, imported only in French)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from tui_reader.i18n import current_language

LIST_DATE_WIDTH = 14
"""Cells of the headline list's date column in French ("27 sept. 13:30")."""


def _local(published: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def french_date(published: str, now: datetime | None = None) -> str:
    """`il y a 3 h` today, `27 nov. 13:30` this year, `27 nov. 2025` before ("" if unparseable)."""
    from babel.dates import format_datetime, format_timedelta

    moment = _local(published)
    if moment is None:
        return ""
    current = (now or datetime.now(UTC)).astimezone()
    if moment.date() == current.date() and moment <= current:
        text = format_timedelta(moment - current, add_direction=True, format="short", locale="fr")
    elif moment.year == current.year:
        text = format_datetime(moment, "d MMM HH:mm", locale="fr")
    else:
        text = format_datetime(moment, "d MMM y", locale="fr")
    # CLDR's no-break spaces are right in print; plain ones copy and search better.
    return text.replace("\xa0", " ").replace("\u202f", " ")


def list_date(published: str, now: datetime | None = None) -> str:
    """The headline list's date in the current language (English: `11-27 14:03`, local time)."""
    if current_language() == "fr":
        return french_date(published, now)
    moment = _local(published)
    return moment.strftime("%m-%d %H:%M") if moment is not None else ""


def long_date(published: str, now: datetime | None = None) -> str:
    """The reading pane's date (English: `2026-11-27 14:03` as stored)."""
    if current_language() == "fr":
        return french_date(published, now)
    return published[:16].replace("T", " ")


def decimal(value: float, digits: int = 1) -> str:
    """`0.1` in English, `0,1` in French (no Babel needed for a decimal comma)."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if current_language() == "fr" else text


def start_warm_up() -> threading.Thread | None:
    """In French, load Babel and its French data in a thread (~100 ms the first time), so
    that the reader's first frame does not pay for it on the event loop; join before use."""
    if current_language() != "fr":
        return None
    thread = threading.Thread(
        target=french_date, args=("2026-01-01T00:00:00+00:00",), name="dates-warm-up", daemon=True
    )
    thread.start()
    return thread
