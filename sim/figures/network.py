"""The trust network drawn on one axes: actors as circles, A -> B as a curved arrow coloured, sized and labelled
by A's trust in B. Used by the run figures, the dashboard and Mesa's step-through view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch
from matplotlib.path import Path as MplPath

from sim.figures.style import NODE, TRUST_CMAP
from sim.scenario.dyads import dyads


def layout(actors: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Node positions: with four or more actors the first sits in the centre (for four the drawing is then planar:
    no arrows cross), the others on a circle starting top left; with fewer, all on the circle."""
    centre = list(actors[:1]) if len(actors) >= 4 else []
    ring = list(actors[len(centre) :])
    angles = np.deg2rad(150 - 360 * np.arange(len(ring)) / len(ring))
    pos = {a: (float(np.cos(t)), float(np.sin(t))) for a, t in zip(ring, angles, strict=True)}
    pos.update({a: (0.0, 0.0) for a in centre})
    return pos


def clipped_arc(p: np.ndarray, q: np.ndarray, rad: float, clear: float) -> MplPath:
    """Matplotlib's arc3 curve from p to q (a quadratic Bezier) without its first and last `clear` units of
    distance from p and q: the part outside the two nodes. Computed here once, instead of matplotlib clipping
    the curve against each node's outline by bisection on every draw."""
    control = (p + q) / 2 + rad * np.array([q[1] - p[1], p[0] - q[0]])
    t = np.linspace(0.0, 1.0, 401)[:, None]
    curve = (1 - t) ** 2 * p + 2 * (1 - t) * t * control + t**2 * q
    start = t[np.argmax(np.hypot(*(curve - p).T) >= clear), 0]
    end = t[len(t) - 1 - np.argmax(np.hypot(*(curve - q).T)[::-1] >= clear), 0]

    def at(u: float) -> np.ndarray:
        return (1 - u) ** 2 * p + 2 * (1 - u) * u * control + u**2 * q

    # the sub-curve over [start, end] is again quadratic; its control point is the blossom b(start, end)
    middle = (1 - start) * (1 - end) * p + ((1 - start) * end + start * (1 - end)) * control + start * end * q
    return MplPath([at(start), middle, at(end)], [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3])


def _trust_arrow(ax: Any, p: tuple[float, float], q: tuple[float, float], clear: float, value: float) -> None:
    """A curved arrow p -> q (the reverse arrow curves the other way), coloured and sized by trust, labelled.

    The curvature is scaled so that the two directions of every pair sit equally far apart, short or long; the
    arrow stops `clear` short of each end (the node's radius plus a gap).
    """
    (x1, y1), (x2, y2) = p, q
    rad = 0.22 / float(np.hypot(x2 - x1, y2 - y1))
    colour = TRUST_CMAP(value)
    path = clipped_arc(np.asarray(p), np.asarray(q), rad, clear)
    style = {"arrowstyle": "-|>", "mutation_scale": 10 + 8 * value, "lw": 0.8 + 5.5 * value, "color": colour}
    ax.add_patch(FancyArrowPatch(path=path, zorder=2, **style))
    # the curve's midpoint (quadratic Bezier with matplotlib's arc3 control point), moved a little further out
    mx, my = (x1 + x2) / 2 + 0.62 * rad * (y2 - y1), (y1 + y2) / 2 - 0.62 * rad * (x2 - x1)
    ax.text(
        mx,
        my,
        f"{value:.2f}",
        ha="center",
        va="center",
        fontsize=7.5,
        zorder=4,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": colour, "lw": 0.6, "alpha": 0.9},
    )


def draw_network(ax: Any, trust: Mapping[tuple[str, str], float], actors: Sequence[str], title: str) -> None:
    """The actors as a directed trust network on `ax`: arrow A -> B coloured, sized and labelled by A's trust in B."""
    pos = layout(actors)
    xs, ys = zip(*pos.values(), strict=True)
    for obs, tgt in dyads(actors):
        _trust_arrow(ax, pos[obs], pos[tgt], NODE + 0.035, float(trust[(obs, tgt)]))
    for a in actors:
        ax.add_patch(Circle(pos[a], NODE, fc="white", ec="#333333", lw=1.2, zorder=3))
        ax.text(*pos[a], a, ha="center", va="center", weight="bold", fontsize=10, zorder=4)
    ax.update_datalim([(min(xs) - 0.3, min(ys) - 0.3), (max(xs) + 0.3, max(ys) + 0.3)])
    ax.autoscale_view(tight=True)
    ax.set_aspect("equal", adjustable="datalim")  # the panel keeps its box; the data range widens to fit
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
