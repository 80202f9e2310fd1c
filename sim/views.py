"""Runs and comparisons in a notebook: figures by name, onto a given axes or a new figure, and compact HTML.

`Results.plot` and `Comparison.plot` come here. Without `ax` they return the house-style figure that
`diplosim run` or `compare` writes (a matplotlib Figure, which Jupyter shows inline); with `ax` they draw one
panel onto it (a dyad's fan, the alignment fan) so a notebook can compose its own figures. The HTML tables are
what Jupyter shows for a Results or a Comparison: final trust only, not the arrays.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim import printout, stats

if TYPE_CHECKING:
    from sim.comparison import Comparison
    from sim.results import Results

RUN_FIGURES = ("fan", "network", "alignment", "activity")
COMPARISON_FIGURES = ("final", "difference", "trust")
ON_AXES = ("fan", "alignment")


def _names(results: Results) -> dict[str, str]:
    return {code: actor.name for code, actor in results.scenario.world.actors.items()}


def _dyad(dyad: str | tuple[str, str] | None, actors: list[str]) -> tuple[str, str]:
    """'PAK->USA', ('PAK', 'USA') or None (the first dyad) as (observer, target); ValueError if unknown."""
    if dyad is None:
        return actors[0], actors[1]
    obs, tgt = dyad.replace("→", "->").split("->") if isinstance(dyad, str) else dyad
    obs, tgt = obs.strip(), tgt.strip()
    if obs not in actors or tgt not in actors or obs == tgt:
        raise ValueError(f"no dyad {obs}->{tgt}; actors are {', '.join(actors)}")
    return obs, tgt


def plot_results(results: Results, kind: str = "fan", ax: Any = None, **options: Any) -> Any:
    """A run's figure by name (see `Results.plot`)."""
    import matplotlib as mpl

    from sim import output, plots

    if kind not in RUN_FIGURES:
        raise ValueError(f"unknown figure {kind!r}; choose from {', '.join(RUN_FIGURES)}")
    if ax is not None and kind not in ON_AXES:
        raise ValueError(f"{kind!r} is a figure of several panels; draw it without ax, or use {' or '.join(ON_AXES)}")
    common = {"scenario": results.dataset.attrs["scenario"], "replications": results.trust.sizes["replication"]}
    with mpl.rc_context(plots.STYLE):
        if ax is not None and kind == "fan":
            obs, tgt = _dyad(options.pop("dyad", None), results.actors)
            summary = results.summary()
            plots.fan_panel(ax, plots._dyad(summary, obs, tgt), **options)
            ax.set_title(f"{obs} → {tgt}")
            ax.set_ylabel("Trust")
            ax.set_xlabel("Month")
            return ax
        if ax is not None:
            plots.fan_panel(ax, output.alignment_table(results), **options)
            ax.set_ylabel("Alignment (0 = US, 1 = China)")
            ax.set_xlabel("Month")
            return ax
        if kind == "fan":
            return plots.fan_chart(results.summary(), names=_names(results), **common)
        if kind == "alignment":
            return plots.alignment_chart(output.alignment_table(results), **common)
        if kind == "network":
            last = int(results.trust.step.max())
            steps = options.get("steps") or plots.default_network_steps(last)
            return plots.network_chart(results.summary(), steps, names=_names(results), **common)
        moves = output.move_table(results, results.scenario)
        return plots.activity_chart(moves, results.event_counts(), names=_names(results), **common)


def plot_comparison(comparison: Comparison, kind: str = "final") -> Any:
    """A comparison's figure by name (see `Comparison.plot`)."""
    import matplotlib as mpl

    from sim import plots

    if kind not in COMPARISON_FIGURES:
        raise ValueError(f"unknown figure {kind!r}; choose from {', '.join(COMPARISON_FIGURES)}")
    first = next(iter(comparison.values()))
    common = {"names": _names(first), "replications": comparison.replications}
    with mpl.rc_context(plots.STYLE):
        if kind == "final":
            return plots.effects_chart(
                comparison.table(), window=comparison.window, replications=comparison.replications
            )
        chart = plots.difference_chart if kind == "difference" else plots.compare_chart
        return chart(comparison.steps(), **common)


# ---------------------------------------------------------------------------------------------------------------
# HTML


def _cell(row: Any) -> str:
    return printout.band(row.p50, row.p05, row.p95)


def results_html(results: Results) -> str:
    """A run as Jupyter shows it: one line on the run, then final trust (median [90% band]) as an actor matrix."""
    from sim import output

    final = output.final_table(results)
    matrix = final.assign(cell=[_cell(r) for r in final.itertuples()]).pivot(
        index="observer", columns="target", values="cell"
    )
    matrix = matrix.reindex(index=results.actors, columns=results.actors).fillna("")
    matrix.index.name = matrix.columns.name = None
    window = stats.final_window(int(results.trust.step.max()))
    when = printout.window_text(window, results.trust.sizes["replication"])
    caption = f"Final trust of the row actor in the column actor ({when}): median [90% band]."
    return _html(results.headline(), caption, matrix)


def comparison_html(comparison: Comparison) -> str:
    """A comparison as Jupyter shows it: per dyad, each scenario's final trust and difference from the first."""
    table = comparison.table()
    ref = comparison.reference
    rows: dict[str, dict[str, str]] = {}
    for row in table.itertuples():
        cells = rows.setdefault(f"{row.observer} → {row.target}", {})
        cells[str(row.scenario)] = _cell(row)
        if row.scenario != ref:
            cells[f"{row.scenario} − {ref} [95% CI]"] = printout.band(row.diff, row.diff_low, row.diff_high, True)
    frame = pd.DataFrame.from_dict(rows, orient="index")
    caption = (
        f"Final trust ({printout.window_text(comparison.window, comparison.replications)}): median [90% band];"
        f" difference from {ref}: mean paired difference [95% CI] (common random numbers)."
    )
    return _html(repr(comparison).strip("<>"), caption, frame)


def _html(headline: str, caption: str, frame: pd.DataFrame) -> str:
    return (
        f"<div><p><b>{html.escape(headline)}</b></p>"
        f"<p style='font-size:smaller'>{html.escape(caption)}</p>{frame.to_html(border=0)}</div>"
    )
