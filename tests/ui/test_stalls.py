"""What the reader keeps alive costs the event loop nothing later (issue 11).

CPython's full collections walk every object the collector tracks, holding the GIL: the
event loop waits meanwhile. An open article's lines are kept as plain tuples of segments,
not Textual `Strip`s (seven caches each), so that a long article does not make every later
collection (while a refresh stores its feeds, say) walk thousands of extra objects; and
the modules the reader imports late (HTTP stack, Markdown) are frozen like its startup heap.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from rich.segment import Segment
from textual.dom import DOMNode

from tests.conftest import wait_until
from tests.ui.conftest import AppFactory, main_screen, settle, started
from tui_reader.ui import heap
from tui_reader.ui.widgets.reader_pane import BodyLine, render_article
from tui_reader.ui.widgets.status_line import StatusLine


def long_markdown(paragraphs: int) -> str:
    return "\n\n".join(
        f"## Partie {n}\n\nUn paragraphe assez long pour passer à la ligne, avec un "
        f"[lien](https://example.fr/{n}) et du **gras** au milieu, {n} fois." * 3
        for n in range(paragraphs)
    )


def test_an_article_is_kept_as_one_object_per_line_plus_its_segments() -> None:
    lines = render_article(long_markdown(40), 60)
    assert len(lines) > 100
    assert all(type(line) is BodyLine for line in lines)
    for line in lines:
        # Nothing but the segments themselves (and its class): no caches riding along.
        referents = [r for r in gc.get_referents(line) if r is not BodyLine]
        assert all(type(referent) is Segment for referent in referents)
    assert sum(len(line) for line in lines) > len(lines)  # the segments are there
    text = "\n".join(line.text for line in lines)
    assert "Partie 39" in text and "lien" in text
    assert max(line.cell_length for line in lines) <= 60


def import_fresh_module(tmp_path: Path, name: str) -> ModuleType:
    (tmp_path / f"{name}.py").write_text(
        "class Thing:\n    pass\n\nTHINGS = [Thing() for _ in range(50)]\n", encoding="utf-8"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(name)  # stays in sys.modules, as imports do
    finally:
        sys.path.remove(str(tmp_path))


def tracked(objects: Iterable[object]) -> bool:
    """Whether any of `objects` is still in a generation the collector walks."""
    wanted = {id(o) for o in objects}
    return any(id(o) in wanted for o in gc.get_objects())


def test_modules_imported_while_the_reader_runs_leave_the_collectors_sight(
    tmp_path: Path,
) -> None:
    heap.freeze_startup_heap()  # what the app does after its first frame
    try:
        module = import_fresh_module(tmp_path, "stalls_late_import")
        assert tracked(module.THINGS)
        heap.freeze_new_imports()
        assert not tracked(module.THINGS)  # frozen with the module: full collections skip it
        # Made after that freeze (the count of frozen objects is no measure: frozen objects
        # of other threads may be freed meanwhile).
        later: list[list[int]] = [[n] for n in range(50)]
        heap.freeze_new_imports()  # nothing imported since: no freeze
        assert tracked(later)
    finally:
        heap.release()
    assert tracked(module.THINGS)  # given back when the app ends


def test_without_a_running_reader_nothing_is_frozen(tmp_path: Path) -> None:
    module = import_fresh_module(tmp_path, "stalls_import_no_app")
    heap.freeze_new_imports()
    assert tracked(module.THINGS)


async def test_the_first_article_opened_restyles_the_content_column_only(
    make_app: AppFactory,
) -> None:
    # The pane appears when the first article opens: a class change. On the screen it made
    # Textual restyle (and redraw) every widget, the sidebar's feeds included, on the loop;
    # on #content only the list and the pane are restyled. (Opened as `bench/ui.py` does,
    # focus staying on the list: moving the focus to the pane restyles for `-reading`.)
    app = make_app()
    async with started(app) as pilot:
        screen = main_screen(app)
        assert not screen.reader.display  # no article yet: the list has the room
        restyled: list[object] = []
        update_nodes = app.stylesheet.update_nodes

        def recording(nodes: Iterable[DOMNode], animate: bool = False) -> None:
            nodes = list(nodes)
            restyled.extend(nodes)
            update_nodes(nodes, animate=animate)

        app.stylesheet.update_nodes = recording  # type: ignore[method-assign]
        article = screen.headlines.current
        assert article is not None
        screen.open_article(article)
        await wait_until(pilot, lambda: screen.reader.article is not None)
        await settle(pilot)
        assert screen.reader.display and screen.headlines.has_focus
        assert screen.reader in restyled and screen.headlines in restyled
        assert screen.sidebar not in restyled
        assert screen.query_one(StatusLine) not in restyled
