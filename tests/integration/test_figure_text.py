"""Every figure the tool draws keeps its text inside the figure: no title, label, tick label, legend or
annotation extends beyond the canvas (window extents from the Agg renderer, at the resolution PNGs are saved)."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

import sim
import sim.sweep
from sim.figures.style import STYLE

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "results" / "examples"


def outside(fig: Figure) -> list[str]:
    """The texts that reach beyond the figure, with how far (in pixels)."""
    fig.set_dpi(STYLE["savefig.dpi"])
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = fig.bbox
    found = []
    hidden = undrawn(fig)
    for text in fig.findobj(Text):
        if text in hidden or not text.get_visible() or not text.get_text().strip():
            continue
        extent = text.get_window_extent(renderer)
        over = max(box.x0 - extent.x0, box.y0 - extent.y0, extent.x1 - box.x1, extent.y1 - box.y1)
        if over > 1.0:
            found.append(f"{text.get_text()[:60]!r} by {over:.0f} px")
    return found


def undrawn(fig: Figure) -> set[Text]:
    """Texts that exist but are not drawn: the axis texts of axes switched off, and the labels of ticks outside
    the view (matplotlib keeps both as Text objects)."""
    out: set[Text] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = 1e-9 * max(1.0, abs(high - low))
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                loc = tick.get_loc()
                if not ax.axison or not axis.get_visible() or loc is None or not low - slack <= loc <= high + slack:
                    out |= {tick.label1, tick.label2}
            if not ax.axison or not axis.get_visible():
                out |= {axis.label, axis.get_offset_text()}
    return out


def figures() -> dict[str, Figure]:
    with mpl.rc_context(STYLE):
        run = sim.run("us_pressure", replications=20, steps=30)
        drawn = {f"run {kind}": run.plot(kind) for kind in ("fan", "network", "alignment", "activity")}
        runs = sim.compare(["baseline", "us_pressure", "balanced_hedging"], replications=20, steps=30)
        drawn |= {f"compare {kind}": runs.plot(kind) for kind in ("trust", "difference", "final")}
        for name in ("sweep_pressure_intensity", "sweep_beta_pressure", "sweep_calibration_sobol"):
            result = sim.sweep.read(EXAMPLES / name)
            drawn |= {f"{name} {kind}": result.plot(kind) for kind in ("sweep", "sensitivity") if _has(result, kind)}
        morris = sim.sweep.run(
            {
                "scenario": "baseline",
                "design": "morris",
                "samples": 3,
                "replications": 4,
                "steps": 12,
                "seed": 2,
                "outcomes": ["trust_PAK_USA", "polarization", "P(PAK->USA < 0.3 by 2025-06)"],
                "vary": [
                    {"path": "parameters.alpha", "low": 0.05, "high": 0.5},
                    {"path": "parameters.beta", "low": 0.0, "high": 0.2},
                ],
            },
            workers=1,
        )
        drawn |= {f"morris {kind}": morris.plot(kind) for kind in ("sweep", "sensitivity")}
        from sim.fit.figures import fit_chart

        fit = ROOT / "scenarios" / "fits" / "default"
        names = {"PAK": "Pakistan", "USA": "United States", "CHN": "China", "IND": "India"}
        drawn["fit"] = fit_chart(
            pd.read_csv(fit / "points.csv"),
            pd.read_csv(fit / "bands.csv"),
            split=2013,
            label="100 posterior particles, 200 runs",
            names=names,
        )
        if find_spec("ema_workbench") is not None:
            found = sim.discover(EXAMPLES / "sweep_beta_pressure", "PAK->USA", below=0.1)
            drawn |= {f"discover {kind}": found.plot(kind) for kind in ("trajectory", "limits")}
    return drawn


def _has(result, kind: str) -> bool:
    try:
        result.plot(kind)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def drawn() -> dict[str, Figure]:
    return figures()


def test_every_figure_keeps_its_text_inside(drawn) -> None:
    assert len(drawn) >= 16
    with mpl.rc_context(STYLE):
        problems = {name: found for name, fig in drawn.items() if (found := outside(fig))}
    assert not problems, problems
