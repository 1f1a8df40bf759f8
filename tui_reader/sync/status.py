"""An account's sync state as one line for the reader's status line ("maison: synced 2 min ago")."""

from __future__ import annotations

from datetime import UTC, datetime

from tui_reader.i18n import _, ngettext
from tui_reader.sync.localstate import AccountState


def _ago(moment: datetime, now: datetime) -> str:
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return _("synced just now")
    minutes = seconds // 60
    if minutes < 60:
        return ngettext("synced {n} min ago", "synced {n} min ago", minutes).format(n=minutes)
    hours = minutes // 60
    if hours < 48:
        return ngettext("synced {n} hour ago", "synced {n} hours ago", hours).format(n=hours)
    days = hours // 24
    return ngettext("synced {n} day ago", "synced {n} days ago", days).format(n=days)


def account_status_line(name: str, state: AccountState | None, now: datetime) -> str:
    """`maison: synced 2 min ago`, `maison: never synced`, or `maison: <its last error>`."""
    if state is None or state.last_status is None:
        return _("{name}: never synced").format(name=name)
    if state.last_status == "error":
        return _("{name}: sync failed: {error}").format(name=name, error=state.last_error or "")
    if not state.last_sync:
        return _("{name}: never synced").format(name=name)
    try:
        moment = datetime.fromisoformat(state.last_sync)
    except ValueError:
        return _("{name}: never synced").format(name=name)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _("{name}: {ago}").format(name=name, ago=_ago(moment, now))
