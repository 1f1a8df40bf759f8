"""What the reader keeps alive costs the event loop nothing later (issue 11).

CPython's full collections walk every object the collector tracks, holding the GIL: the
event loop waits meanwhile. An open article's lines are kept as plain tuples of segments,
not Textual `Strip`s (seven caches each), so that a long article does not make every later
collection (while a refresh stores its feeds, say) walk thousands of extra objects.
"""

from __future__ import annotations

import gc

from rich.segment import Segment

from tui_reader.ui.widgets.reader_pane import BodyLine, render_article


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
