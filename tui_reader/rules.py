"""`[[rules]]`: hide, mark read or tag the items a query matches, new and stored alike.

Rules run when items are stored (`apply_to_new`, called by the refresh after each feed) and
again over every stored item when the rules change (`reconcile`, at start). A fingerprint of
the rules already applied lives in the database, so a start with unchanged rules costs one
lookup. What rules set is kept apart from what the user set: the `hidden` flag and the
`article_tags` table belong to rules alone and are recomputed from scratch; read state is the
user's, so a new `read` rule marks matching items read once and a removed one changes
nothing. Bookmarked items are never hidden or marked read by a rule.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from tui_reader.models import ArticleQuery, RuleConfig
from tui_reader.query import parse_search
from tui_reader.store import Store

__all__ = ["RuleChanges", "apply_to_new", "reconcile", "rule_query"]

APPLIED_KEY = "rules_applied"
LAST_ID_KEY = "rules_last_id"


@dataclass(frozen=True, slots=True)
class RuleChanges:
    """What `reconcile` recomputed."""

    hidden: bool = False  # the hide rules changed: hidden flags recomputed
    tags: bool = False  # the tag rules changed: rule tags recomputed
    read_rules: int = 0  # new read rules applied to stored items


def rule_query(rule: RuleConfig, now: datetime | None = None) -> ArticleQuery:
    """The query of `rule`; it sees hidden items too unless it asks for `is:hidden` only."""
    moment = now or datetime.now(UTC)
    return parse_search(rule.query, base=ArticleQuery(hidden="include"), now=moment)


def _fingerprint(rule: RuleConfig) -> str:
    return json.dumps([rule.action, rule.query], ensure_ascii=False)


def _apply(
    store: Store,
    rules: Sequence[RuleConfig],
    *,
    after_id: int | None = None,
    upto_id: int | None = None,
    now: datetime,
) -> None:
    """Apply `rules` to the stored items with ids in `(after_id, upto_id]` (all when None)."""
    for rule in rules:
        query = rule_query(rule, now)
        if rule.action == "read":
            query = replace(query, unread=True)
        ids = store.article_ids(
            query,
            after_id=after_id,
            upto_id=upto_id,
            unbookmarked=not rule.action.startswith("tag:"),
        )
        if not ids:
            continue
        if rule.action == "hide":
            store.set_hidden(ids)
        elif rule.action == "read":
            store.set_read(ids, True)
        elif rule.action.startswith("tag:"):
            store.add_rule_tag(ids, rule.action[4:])


def apply_to_new(store: Store, rules: Sequence[RuleConfig], *, now: datetime | None = None) -> int:
    """Apply `rules` to the items stored since the last call; return how many items that was.

    Safe to call from any process at any time: each new item is claimed once.
    """
    after, upto = store.claim_new_items(LAST_ID_KEY)
    if upto > after and rules:
        _apply(store, rules, after_id=after, upto_id=upto, now=now or datetime.now(UTC))
    return upto - after


def reconcile(
    store: Store, rules: Sequence[RuleConfig], *, now: datetime | None = None
) -> RuleChanges:
    """Bring stored items in line with `rules`, recomputing only what changed since last time."""
    moment = now or datetime.now(UTC)
    stored = store.bookkeeping(APPLIED_KEY)
    applied: set[str] = set(json.loads(stored)) if stored else set()
    current = {_fingerprint(rule): rule for rule in rules}
    changes = RuleChanges()

    def of_kind(fingerprints: set[str] | dict[str, RuleConfig], kind: str) -> set[str]:
        return {fp for fp in fingerprints if json.loads(fp)[0].split(":")[0] == kind}

    # Items stored before this call but never seen by rules (first start, or stored by an
    # older version) are covered by the recomputation below or by apply_to_new.
    if of_kind(current, "hide") != of_kind(applied, "hide"):
        hide_rules = [current[fp] for fp in sorted(of_kind(current, "hide"))]
        ids: set[int] = set()
        for rule in hide_rules:
            ids.update(store.article_ids(rule_query(rule, moment), unbookmarked=True))
        store.set_hidden(sorted(ids), reset=True)
        changes = replace(changes, hidden=True)
    if of_kind(current, "tag") != of_kind(applied, "tag"):
        store.clear_rule_tags()
        tag_rules = [current[fp] for fp in sorted(of_kind(current, "tag"))]
        _apply(store, tag_rules, now=moment)
        changes = replace(changes, tags=True)
    new_read = [current[fp] for fp in sorted(of_kind(current, "read") - applied)]
    if new_read:
        _apply(store, new_read, now=moment)
        changes = replace(changes, read_rules=len(new_read))
    if set(current) != applied:
        store.set_bookkeeping(APPLIED_KEY, json.dumps(sorted(current), ensure_ascii=False))
    # What is stored now has been seen by every rule, or is about to be by apply_to_new.
    apply_to_new(store, rules, now=moment)
    return changes
