"""What the commands print: final trust of a run, of a comparison, and of a sweep's points, as aligned text.

Every printout shows the same statistics (sim.runs.stats): a replication's final value is its mean over the final
window; over replications the median and the 90% band; for a comparison also the mean paired difference with
its 95% confidence interval and the range of 90% of the per-replication differences. Functions take the tables
the commands write (final.csv, comparison.csv, sweep.csv), so a printout and its file always agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

DYAD_WIDTH = 20


def band_text(median: float, low: float, high: float, signed: bool = False) -> str:
    """'0.328 [0.150, 0.600]' (with signs for differences)."""
    f = "{:+.3f}" if signed else "{:.3f}"
    return f"{f.format(median)} [{f.format(low)}, {f.format(high)}]"


def text_columns(frame: pd.DataFrame, gap: int = 2) -> str:
    """A table as left-aligned text columns (header first)."""
    cells = [list(map(str, frame.columns)), *([str(v) for v in row] for row in frame.itertuples(index=False))]
    widths = [max(len(row[j]) for row in cells) + gap for j in range(len(frame.columns))]
    return "\n".join("".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells)


def window_text(window: tuple[int, int], replications: int) -> str:
    return f"mean over months {window[0]}-{window[1]} of each of {replications} replications"


def final_text(final: pd.DataFrame, *, scenario: str, window: tuple[int, int], replications: int) -> str:
    """A run's final trust per directed dyad: median and 90% band over replications (final.csv)."""
    lines = [
        f"Final trust, {scenario}: {window_text(window, replications)}",
        f"{'observer -> target':<{DYAD_WIDTH}}median [90% band]",
    ]
    for row in final.itertuples():
        lines.append(f"{row.observer + ' -> ' + row.target:<{DYAD_WIDTH}}{band_text(row.p50, row.p05, row.p95)}")
    return "\n".join(lines)


def comparison_text(final: pd.DataFrame, *, window: tuple[int, int], replications: int, fit: str | None = None) -> str:
    """Per dyad and scenario: final trust (median [90% band]); for every scenario but the first, the mean paired
    difference from the first [95% CI] and the range of 90% of the per-replication differences (comparison.csv);
    with a fit, also the probability that the scenario ends above the first across the posterior's draws."""
    names = list(dict.fromkeys(final["scenario"]))
    width = max(12, *map(len, names)) + 2
    cell = 24
    lines = [
        f"Final trust: {window_text(window, replications)}; median [90% band] over replications.",
        f"Difference from {names[0]}, per replication (common random numbers): mean [95% CI of the mean],",
        "and the range of 90% of the replications' differences.",
    ]
    if fit is not None:
        lines += [
            f"Fit {fit}: every replication draws its parameters from the posterior (the same draw in every",
            "scenario), so the 90% range holds parameter uncertainty; the 95% CI is Monte Carlo precision only.",
            f"P(above): the share of draws in which the scenario ends above {names[0]}.",
        ]
    lines += [
        "",
        f"{'observer -> target':<{DYAD_WIDTH}}{'scenario':<{width}}{'median [90% band]':<{cell}}"
        f"{'difference [95% CI]':<{cell + 2}}{'90% of replications':<{cell}}" + ("P(above)" if fit else ""),
    ]
    for (obs, tgt), rows in final.groupby(["observer", "target"], sort=False):
        for i, row in enumerate(rows.set_index("scenario").loc[names].itertuples()):
            dyad = f"{obs} -> {tgt}" if i == 0 else ""
            trust = band_text(row.p50, row.p05, row.p95)
            diff = spread = chance = ""
            if i > 0:
                diff = band_text(row.diff, row.diff_low, row.diff_high, signed=True)
                spread = f"[{row.diff_p05:+.3f}, {row.diff_p95:+.3f}]"
                chance = f"{row.p_above:.2f}" if fit else ""
            line = f"{dyad:<{DYAD_WIDTH}}{row.Index:<{width}}{trust:<{cell}}{diff:<{cell + 2}}{spread:<{cell}}{chance}"
            lines.append(line.rstrip())
    return "\n".join(lines)


def sweep_text(
    summary: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    window: tuple[int, int],
    replications: int,
    sensitivity: pd.DataFrame | None = None,
    design: str = "grid",
) -> str:
    """A sweep's summary (per outcome, the points with the lowest and highest median: SweepResult.summary) and,
    for Sobol or Morris, the three most influential parameters of each outcome (ST or mu*)."""
    lines = [
        f"Final values: {window_text(window, replications)}; median [90% band] over replications, per point.",
        text_columns(summary) if not summary.empty else "(no point finished)",
    ]
    if sensitivity is not None:
        key, conf = ("ST", "ST_conf") if design == "sobol" else ("mu_star", "mu_star_conf")
        lines += ["", f"Most influential parameters ({key} ± the half-width of its 95% interval):"]
        for name, rows in sensitivity.groupby("outcome", sort=False):
            ranked = rows.sort_values(key, ascending=False).head(3)
            parts = [f"{labels.get(p, p)} {v:.2f}±{c:.2f}" for p, v, c in ranked[["parameter", key, conf]].values]
            lines.append(f"{name:<{DYAD_WIDTH}}{'; '.join(parts)}")
    return "\n".join(lines)
