"""What a drawn figure puts beyond its edges or on top of something else: shared by the figure tests of the
commands and of the dashboard."""

from __future__ import annotations

import itertools
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox

SLACK = 0.5  # pixels a box may pass the edge by (rounding)
OVERLAP = 1.0  # pixels two boxes may share (touching is not overlapping)


def boxes(fig: Any, titles_apart: bool = False) -> list[tuple[str, Any]]:
    """Draw `fig`; the boxes of what it shows: each panel with its ticks, labels, title and legend (the tight box of
    what is drawn; a panel without axes, such as a network or the grid's diagonal, just what it draws, and with
    `titles_apart` its title as a box of its own), and each figure-level text and legend."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    found = []
    for i, ax in enumerate(fig.axes):
        if ax.axison:
            found.append((f"panel {i}", ax.get_tightbbox(renderer)))
            continue
        drawn = [a.get_window_extent(renderer) for a in [*ax.texts, *ax.patches, *ax.lines]]
        found.append((f"panel {i}", Bbox.union(drawn)))
        if titles_apart:
            found.append((f"title {i}", ax.title.get_window_extent(renderer)))
    found += [(repr(t.get_text()[:40]), t.get_window_extent(renderer)) for t in fig.texts if t.get_text().strip()]
    found += [("legend", legend.get_window_extent(renderer)) for legend in fig.legends]
    return found


def layout_problems(fig: Any, titles_apart: bool = False) -> list[str]:
    """'X sticks out' for each box beyond the figure, 'X overlaps Y' for each pair of boxes that overlap."""
    found = boxes(fig, titles_apart)
    page = fig.bbox
    problems = [
        f"{name} sticks out"
        for name, box in found
        if not (
            page.x0 - SLACK <= box.x0
            and box.x1 <= page.x1 + SLACK
            and page.y0 - SLACK <= box.y0 <= box.y1 <= page.y1 + SLACK
        )
    ]
    for (a, box_a), (b, box_b) in itertools.combinations(found, 2):
        overlap = Bbox.intersection(box_a, box_b)
        if overlap is not None and min(overlap.width, overlap.height) >= OVERLAP:
            problems.append(f"{a} overlaps {b}")
    return problems
