"""The screen's width class (`HORIZONTAL_BREAKPOINTS`) from its first frame (issue 11).

Textual sets the class at the screen's first Resize, which comes after the first frame:
every widget was then styled again and the screen drawn again (part of the work just after
the first headline), and a narrow terminal's first frame showed the wide layout. The main
screen sets the class itself before it composes, with Textual's rule (the largest breakpoint
not above the width); Textual's own update at the Resize then finds nothing to change.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["width_classes"]


def width_classes(breakpoints: Sequence[tuple[int, str]], width: int) -> dict[str, bool]:
    """Each breakpoint's class → whether a screen `width` cells wide has it."""
    reached = [name for start, name in sorted(breakpoints) if width >= start]
    chosen = reached[-1] if reached else None
    return {name: name == chosen for _, name in breakpoints}
