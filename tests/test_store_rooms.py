"""The store's shape: rooms of bounded size, one row mapping, a public transaction API."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest

from tui_reader.models import FeedConfig
from tui_reader.store import Store, StoreError

STORE_DIR = Path(__file__).resolve().parent.parent / "tui_reader" / "store"
FEED = FeedConfig("Numerama", "https://numerama.example/feed", ("tech",))


def modules() -> list[Path]:
    return sorted(STORE_DIR.glob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.name)
def test_no_module_over_600_lines_and_no_class_over_400(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 600, f"{path.name} is over 600 lines"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            assert size <= 400, f"{path.name}: class {node.name} is {size} lines"


@pytest.mark.parametrize("name", ["Article", "FeedState", "FeedCount"])
def test_each_row_shape_is_built_in_one_place(name: str) -> None:
    """Rows become dataclasses in rows.py only, not through positional copies elsewhere."""
    builders = [
        path.name
        for path in modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    ]
    assert builders == ["rows.py"]


def test_transaction_commits_and_translates_errors(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        store.sync_feeds([FEED])
        with store.transaction() as tx:
            tx.execute("UPDATE feeds SET name = 'Renamed'")
        assert [s.name for s in store.feed_states().values()] == ["Renamed"]

        with (
            pytest.raises(StoreError, match=r"db\.sqlite: database error"),
            store.transaction() as tx,
        ):
            tx.execute("UPDATE feeds SET name = 'Lost'")
            tx.execute("SELECT * FROM no_such_table")
        # The failed transaction was rolled back as a whole.
        assert [s.name for s in store.feed_states().values()] == ["Renamed"]


def test_reading_translates_errors(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        with store.reading() as conn:
            assert conn.execute("SELECT COUNT(*) FROM feeds").fetchone()[0] == 0
        with pytest.raises(StoreError, match="no_such_table"), store.reading() as conn:
            conn.execute("SELECT * FROM no_such_table")


def test_a_closed_store_refuses_a_transaction(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.sqlite")
    store.close()
    with pytest.raises(StoreError, match="closed"), store.transaction():
        pass
    # The file itself is untouched and still opens.
    assert sqlite3.connect(tmp_path / "db.sqlite").execute("PRAGMA user_version").fetchone()[0]
