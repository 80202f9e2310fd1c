"""Runs and comparisons in a notebook: figures by name, onto a given axes or a new figure, and compact HTML.

`Results.plot` and `Comparison.plot` come here. Without `ax` they return the house-style figure that
`diplosim run` or `compare` writes (a matplotlib Figure, which Jupyter shows inline); with `ax` they draw one
panel onto it (a dyad's fan, the alignment fan) so a notebook can compose its own figures. The HTML tables are
what Jupyter shows for a Results or a Comparison: final trust only, not the arrays.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd
import xarray as xr

from sim.runs import printout, stats, tables
from sim.scenario import dyads

RUN_FIGURES = ("fan", "network", "alignment", "activity")
COMPARISON_FIGURES = ("final", "difference", "trust")
ON_AXES = ("fan", "alignment")


def _names(ds: xr.Dataset) -> dict[str, str]:
    return {code: actor.name for code, actor in tables.scenario(ds).world.actors.items()}


def plot_results(ds: xr.Dataset, kind: str = "fan", ax: Any = None, **options: Any) -> Any:
    """A run's figure by name (see `Results.plot`)."""
    import matplotlib as mpl

    from sim.figures import run, style

    if kind not in RUN_FIGURES:
        raise ValueError(f"unknown figure {kind!r}; choose from {', '.join(RUN_FIGURES)}")
    if ax is not None and kind not in ON_AXES:
        raise ValueError(f"{kind!r} is a figure of several panels; draw it without ax, or use {' or '.join(ON_AXES)}")
    common = {"scenario": ds.attrs["scenario"], "replications": ds.sizes["replication"]}
    with mpl.rc_context(style.STYLE):
        if ax is not None and kind == "fan":
            dyad = options.pop("dyad", None)
            codes = tables.actors(ds)
            obs, tgt = (codes[0], codes[1]) if dyad is None else dyads.parse(dyad, codes, key="dyad")
            summary = tables.dated(ds, tables.summary(ds))
            style.fan_panel(ax, style.dyad_rows(summary, obs, tgt), **options)
            ax.set_title(f"{obs} → {tgt}")
            ax.set_ylabel("Trust")
            ax.set_xlabel(style.time_label(summary))
            return ax
        if ax is not None:
            alignment = tables.dated(ds, tables.alignment_table(ds))
            style.fan_panel(ax, alignment, **options)
            ax.set_ylabel("Alignment (0 = US, 1 = China)")
            ax.set_xlabel(style.time_label(alignment))
            return ax
        if kind == "fan":
            return run.fan_chart(tables.dated(ds, tables.summary(ds)), names=_names(ds), **common)
        if kind == "alignment":
            return run.alignment_chart(tables.dated(ds, tables.alignment_table(ds)), **common)
        if kind == "network":
            last = int(ds["step"].max())
            steps = options.get("steps") or run.default_network_steps(last)
            return run.network_chart(tables.dated(ds, tables.summary(ds)), steps, names=_names(ds), **common)
        moves, events = (tables.dated(ds, t) for t in (tables.move_table(ds), tables.event_counts(ds)))
        return run.activity_chart(moves, events, names=_names(ds), **common)


def comparison_figure(
    kind: str,
    final: pd.DataFrame,
    over_time: pd.DataFrame,
    *,
    names: dict[str, str],
    window: tuple[int, int],
    replications: int,
    dates: Sequence[str] | None = None,
) -> Any:
    """A comparison's figure by name (see `Comparison.plot`), from its tables (comparison.csv, comparison_steps.csv)
    and the calendar's months of steps 0, 1, ... (`dates`), when it has one."""
    import matplotlib as mpl

    from sim.figures import compare, style

    if kind not in COMPARISON_FIGURES:
        raise ValueError(f"unknown figure {kind!r}; choose from {', '.join(COMPARISON_FIGURES)}")
    with mpl.rc_context(style.STYLE):
        if kind == "final":
            start = dates[1] if dates else None
            return compare.effects_chart(final, window=window, replications=replications, start=start)
        chart = compare.difference_chart if kind == "difference" else compare.compare_chart
        return chart(tables.with_dates(over_time, dates), names=names, replications=replications)


# ---------------------------------------------------------------------------------------------------------------
# HTML


def run_headline(ds: xr.Dataset) -> str:
    """'baseline: 500 replications x 120 months, seed 20261128, actors PAK USA CHN IND'."""
    d = ds.sizes
    return (
        f"{ds.attrs['scenario']}: {d['replication']} replications x {d['step'] - 1} months,"
        f" seed {int(ds.attrs['seed'])}, actors {' '.join(tables.actors(ds))}"
    )


def _cell(row: Any) -> str:
    return printout.band_text(row.p50, row.p05, row.p95)


def results_html(ds: xr.Dataset) -> str:
    """A run as Jupyter shows it: one line on the run, then final trust (median [90% band]) as an actor matrix."""
    final = tables.final_table(ds)
    codes = tables.actors(ds)
    matrix = final.assign(cell=[_cell(r) for r in final.itertuples()]).pivot(
        index="observer", columns="target", values="cell"
    )
    matrix = matrix.reindex(index=codes, columns=codes).fillna("")
    matrix.index.name = matrix.columns.name = None
    window = stats.final_window(int(ds["step"].max()))
    when = printout.window_text(window, ds.sizes["replication"], tables.scenario(ds).start)
    caption = f"Final trust of the row actor in the column actor ({when}): median [90% band]."
    return _html(run_headline(ds), caption, matrix)


def comparison_html(
    final: pd.DataFrame, *, title: str, window: tuple[int, int], replications: int, start: str | None = None
) -> str:
    """A comparison as Jupyter shows it: per dyad, each scenario's final trust and difference from the first."""
    ref = str(final["scenario"].iloc[0])
    rows: dict[str, dict[str, str]] = {}
    for row in final.itertuples():
        cells = rows.setdefault(f"{row.observer} → {row.target}", {})
        cells[str(row.scenario)] = _cell(row)
        if row.scenario != ref:
            cells[f"{row.scenario} − {ref} [95% CI]"] = printout.band_text(row.diff, row.diff_low, row.diff_high, True)
    frame = pd.DataFrame.from_dict(rows, orient="index")
    caption = (
        f"Final trust ({printout.window_text(window, replications, start)}): median [90% band];"
        f" difference from {ref}: mean paired difference [95% CI] (common random numbers)."
    )
    return _html(title, caption, frame)


def _html(headline: str, caption: str, frame: pd.DataFrame) -> str:
    return (
        f"<div><p><b>{html.escape(headline)}</b></p>"
        f"<p style='font-size:smaller'>{html.escape(caption)}</p>{frame.to_html(border=0)}</div>"
    )
