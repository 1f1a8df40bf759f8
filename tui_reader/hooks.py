"""`[[hooks]]` and view notifications: act on the items a refresh brought.

After a refresh (CLI or reader), `after_refresh` claims the items stored since the last
claim (each item is claimed once, even with a reader and a cron job refreshing the same
database), runs every hook whose query matches some of them, with those items as JSON lines
on stdin (SPEC's item shape), and raises a notification for every view with `notify = true`
that matches some. A hook runs its argv directly (no shell), in its own process group, with
a time limit; whatever it does (fails, hangs, floods its output) ends as one line in the
report, never as an exception. This runs synchronously: the reader calls it from a thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from tui_reader.i18n import _, ngettext
from tui_reader.models import Article, ArticleQuery, Config, HookConfig
from tui_reader.query import parse_search
from tui_reader.store import Store
from tui_reader.text import clean_text

__all__ = ["AfterRefresh", "after_refresh", "item_json", "run_hook"]

LAST_ID_KEY = "hooks_last_id"
MAX_KEPT_OUTPUT = 64 * 1024  # bytes of a hook's stderr kept for the report; the rest is drained


@dataclass(frozen=True, slots=True)
class AfterRefresh:
    """What `after_refresh` did: one-line problems and the notifications it raised."""

    new_items: int
    hooks_run: int
    problems: tuple[str, ...]
    notifications: tuple[tuple[str, str], ...]  # (title, body)


def item_json(article: Article) -> dict[str, Any]:
    """SPEC's item shape: `headlines --json`, `bookmarks --json` and hooks' stdin."""
    return {
        "id": article.id,
        "feed": article.feed,
        "title": article.title,
        "link": article.link,
        "author": article.author,
        "published": article.published,
        "tags": list(article.tags),
        "read": article.read,
        "bookmarked": article.bookmarked,
        "account": article.account,
    }


def _drain(stream: IO[bytes], keep: bytearray, counter: list[int]) -> None:
    """Read `stream` to its end, keeping the first MAX_KEPT_OUTPUT bytes in `keep`."""
    with contextlib.suppress(OSError, ValueError):
        while chunk := stream.read(65536):
            counter[0] += len(chunk)
            room = MAX_KEPT_OUTPUT - len(keep)
            if room > 0:
                keep += chunk[:room]


def _feed(stream: IO[bytes], payload: bytes) -> None:
    """Write `payload` to the hook's stdin; a hook that does not read it is its business."""
    with contextlib.suppress(OSError, ValueError):
        stream.write(payload)
    with contextlib.suppress(OSError, ValueError):
        stream.close()


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()


def run_hook(command: Sequence[str], payload: bytes, timeout: float) -> str | None:
    """Run `command` with `payload` on stdin; None when it succeeded, else one line why not."""
    shown = " ".join(command)
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    try:
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout stops its children too
        )
    except FileNotFoundError:
        return _("hook {command}: command not found: {name}").format(command=shown, name=command[0])
    except OSError as error:
        return _("hook {command}: cannot start: {reason}").format(
            command=shown, reason=error.strerror or error
        )
    assert process.stdin and process.stdout and process.stderr
    errors = bytearray()
    out_count, err_count = [0], [0]
    threads = [
        threading.Thread(target=_feed, args=(process.stdin, payload), daemon=True),
        threading.Thread(target=_drain, args=(process.stdout, bytearray(), out_count), daemon=True),
        threading.Thread(target=_drain, args=(process.stderr, errors, err_count), daemon=True),
    ]
    for thread in threads:
        thread.start()
    timed_out = False
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill(process)
        process.wait()
    except BaseException:
        _kill(process)
        raise
    for thread in threads:
        thread.join(timeout=2)
    if any(thread.is_alive() for thread in threads):  # a child still holds a pipe open
        _kill(process)
    if timed_out:
        return _("hook {command}: timed out after {seconds:g} s; stopped").format(
            command=shown, seconds=timeout
        )
    last_line = ""
    for line in reversed(errors.decode("utf-8", "replace").splitlines()):
        if line.strip():
            last_line = clean_text(line.strip(), single_line=True)[:200]
            break
    if process.returncode != 0:
        reason = (
            _("killed by signal {number}").format(number=-process.returncode)
            if process.returncode < 0
            else _("exit code {code}").format(code=process.returncode)
        )
        suffix = f": {last_line}" if last_line else ""
        return _("hook {command}: {reason}{suffix}").format(
            command=shown, reason=reason, suffix=suffix
        )
    return None


def _matching(store: Store, query_text: str, after: int, upto: int, now: datetime) -> list[Article]:
    query = parse_search(query_text, base=ArticleQuery(), now=now)
    ids = store.article_ids(query, after_id=after, upto_id=upto)
    return store.articles_by_ids(ids) if ids else []


def _payload(articles: Sequence[Article]) -> bytes:
    lines = [json.dumps(item_json(article), ensure_ascii=False) for article in articles]
    return ("\n".join(lines) + "\n").encode("utf-8")


def after_refresh(
    config: Config,
    store: Store,
    *,
    notify: Callable[[str, str], None] | None = None,
    run: Callable[[HookConfig, bytes], str | None] | None = None,
    now: datetime | None = None,
) -> AfterRefresh:
    """Feed the items stored since the last call to the hooks and the notifying views.

    `notify(title, body)` raises a notification (default: none); `run(hook, payload)`
    runs a hook (default: `run_hook`). Each new item is handled once.
    """
    moment = now or datetime.now(UTC)
    after, upto = store.claim_new_items(LAST_ID_KEY)
    if upto <= after:
        return AfterRefresh(0, 0, (), ())
    problems: list[str] = []
    ran = 0
    for hook in config.hooks:
        articles = _matching(store, hook.query, after, upto, moment)
        if not articles:
            continue
        ran += 1
        if run is not None:
            problem = run(hook, _payload(articles))
        else:
            problem = run_hook(hook.command, _payload(articles), hook.timeout)
        if problem is not None:
            problems.append(problem)
    notes: list[tuple[str, str]] = []
    for view in config.views:
        if not view.notify:
            continue
        articles = _matching(store, view.query, after, upto, moment)
        if not articles:
            continue
        title = ngettext("{view}: {n} new item", "{view}: {n} new items", len(articles)).format(
            view=view.name, n=len(articles)
        )
        body = "; ".join(article.title for article in articles[:3])
        notes.append((title, body))
        if notify is not None:
            notify(title, body)
    return AfterRefresh(upto - after, ran, tuple(problems), tuple(notes))
