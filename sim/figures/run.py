"""Figures of one run, drawn from its tables: trust fans per dyad, the trust network, alignment, activity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from sim.figures.network import draw_network
from sim.figures.style import (
    FAN,
    LEFT,
    OKABE_ITO,
    TITLE,
    TRUST_CMAP,
    actors_of,
    band_handles,
    canvas,
    dates,
    dyad_grid,
    dyad_rows,
    fan_panel,
    header,
    label_grid,
    months,
    panel_grid,
    time_label,
)


def fan_chart(summary: pd.DataFrame, *, names: Mapping[str, str], scenario: str, replications: int) -> Figure:
    """Trust over time for every directed dyad: median line with 50% and 90% bands, as an N x N grid."""
    actors = actors_of(summary)
    n = len(actors)
    caption = (
        f"Each panel: the row actor's trust in the column actor, month by month, over {replications} replications."
    )
    fig, strip = canvas(2.5 * n + 0.8, 1.9 * n + 0.6, caption, legend=True)
    for (obs, tgt), ax in dyad_grid(fig, actors, names, strip).items():
        fan_panel(ax, dyad_rows(summary, obs, tgt))
    label_grid(fig, time_label(summary), "Trust (probability, 0–1)")
    header(fig, f"Trust over time: {scenario}", caption, band_handles(FAN))
    return fig


def network_chart(
    summary: pd.DataFrame, steps: Sequence[int], *, names: Mapping[str, str], scenario: str, replications: int
) -> Figure:
    """The four actors as a directed trust network at chosen months: arrow colour and width = median trust."""
    actors = actors_of(summary)
    legend = ", ".join(f"{a} {names.get(a, a)}" for a in actors)
    caption = (
        f"Arrow A → B: A's trust in B (median of {replications} replications); colour and width grow with trust."
        f"\n{legend}"
    )
    fig, strip = canvas(3.7 * len(steps) + 0.4, 4.2, caption)
    spec = panel_grid(fig, 1, len(steps), top=strip + 0.35, left=0.2, right=0.2, bottom=1.0, wgap=0.2)
    axes = [fig.add_subplot(spec[0, i]) for i in range(len(steps))]
    for ax, step in zip(axes, steps, strict=True):
        at = summary[summary["step"] == step].set_index(["observer", "target"])["p50"]
        when = f"Month {step}" if "date" not in summary.columns else f"{_date_at(summary, step)}, month {step}"
        draw_network(ax, at.to_dict(), actors, when + (" (the essay's levels)" if step == 0 else ""))
    height = fig.get_figheight()
    bar = fig.colorbar(
        ScalarMappable(Normalize(0, 1), TRUST_CMAP),
        cax=fig.add_axes((0.25, 0.55 / height, 0.5, 0.13 / height)),
        orientation="horizontal",
    )
    bar.set_label("Trust (median over replications; probability, 0–1)")
    header(fig, f"Trust network: {scenario}", caption)
    return fig


def alignment_chart(alignment: pd.DataFrame, *, scenario: str, replications: int) -> Figure:
    """Pakistan's alignment between the US (0) and China (1) over time: median with 50% and 90% bands."""
    caption = (
        "Alignment = T(PAK→CHN) / (T(PAK→CHN) + T(PAK→USA)), from Pakistan's trust in each;"
        f" {replications} replications."
    )
    fig, strip = canvas(7.5, 3.8, caption)
    ax = fig.add_subplot(panel_grid(fig, 1, 1, top=strip + 0.1, right=0.85)[0, 0])  # right: the labels beside the axis
    fan_panel(ax, alignment, lw=1.8)
    ax.axhline(0.5, color="#333333", lw=0.8, ls="--")
    ax.text(1.01, 0.5, "equidistant", transform=ax.get_yaxis_transform(), va="center", fontsize=8, color="#333333")
    ax.text(1.01, 0.97, "toward\nChina", transform=ax.get_yaxis_transform(), va="top", fontsize=8)
    ax.text(1.01, 0.03, "toward\nthe US", transform=ax.get_yaxis_transform(), va="bottom", fontsize=8)
    ax.set_xlabel(time_label(alignment))
    ax.set_ylabel("Alignment (0 = US, 1 = China)")
    handles, labels = band_handles(FAN)
    ax.legend(handles, labels, loc="lower left", ncol=2, fontsize=8)
    header(fig, f"Pakistan between the US and China: {scenario}", caption)
    return fig


def activity_chart(
    moves: pd.DataFrame, events: pd.DataFrame, *, names: Mapping[str, str], scenario: str, replications: int
) -> Figure:
    """Cooperative and hostile moves per month by actor, and cumulative events by type (means over replications).

    Events are shown cumulated: they are rare, so monthly means are spiky, while the slope of the cumulative
    count is the event rate and a scheduled event shows as a step.
    """
    moves, events = moves[moves["step"] > 0], events[events["step"] > 0]
    caption = f"Means over {replications} replications; a move counts once per target it is made to."
    fig, strip = canvas(8.5, 7.2, caption)
    spec = panel_grid(fig, 3, 1, top=strip + TITLE, left=LEFT + 0.15, hgap=TITLE + 0.1)
    axes = spec.subplots(sharex=True)
    legends = []
    kinds = (("cooperative", moves["goldstein"] > 0), ("hostile", moves["goldstein"] < 0))
    actors = list(pd.unique(moves["actor"]))
    for ax, (kind, mask) in zip(axes, kinds, strict=False):
        per_actor = moves[mask].groupby(["actor", "step"])["mean_count"].sum()
        for i, actor in enumerate(actors):
            if actor in per_actor.index.get_level_values(0):
                series = per_actor.loc[actor]
                ax.plot(series.index, series.values, color=OKABE_ITO[i % 8], lw=1.3, label=names.get(actor, actor))
        ax.set_ylim(bottom=0)
        ax.set_ylabel(f"{kind.capitalize()} moves\nper month (mean)")
        sign = "> 0" if kind == "cooperative" else "< 0"
        ax.set_title(f"{kind.capitalize()} moves made by each actor (Goldstein weight {sign})", loc="left")
        if ax.get_legend_handles_labels()[0]:  # a world may have no moves of a kind
            legends.append(ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8))
    ax = axes[2]
    happened = events.groupby("event", sort=False)["mean_count"].sum()
    for i, event in enumerate(happened[happened > 0].sort_values(ascending=False).index):  # legend order = lines
        d = events[events["event"] == event]
        label = str(event).replace("_", " ")
        ax.plot(d["step"], d["mean_count"].cumsum(), color=OKABE_ITO[i % 8], lw=1.4, label=label)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("Events so far\n(mean)")
    ax.set_title("Events (shocks) by type, cumulative; types that never occurred are omitted", loc="left")
    if ax.get_legend_handles_labels()[0]:
        legends.append(ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8))
    ax.set_xlabel(time_label(moves))
    months(ax, moves["step"], dates(moves))
    # the legends sit right of the panels: measure the widest once and narrow the panels to make room for it
    renderer = FigureCanvasAgg(fig).get_renderer()
    widest = max((legend.get_window_extent(renderer).width for legend in legends), default=0.0) / fig.dpi
    spec.update(right=1 - (widest + 0.15) / fig.get_figwidth())
    for ax in axes:  # GridSpec.update only re-places the axes of pyplot's figures
        ax.set_position(ax.get_subplotspec().get_position(fig))
    header(fig, f"Moves and events over time: {scenario}", caption)
    return fig


def _date_at(table: pd.DataFrame, step: int) -> str:
    return str(table.loc[table["step"] == step, "date"].iloc[0])


# ---------------------------------------------------------------------------------------------------------------
# Figures of a comparison


def default_network_steps(last: int) -> list[int]:
    """Month 0, the middle, and the last month."""
    return sorted({0, last // 2, last})
