"""What the commands print: final trust of a run, of a comparison, and of a sweep's points, as aligned text.

Every printout shows the same statistics (sim.runs.stats): a replication's final value is its mean over the final
window; over replications the median and the 90% band; for a comparison also the mean paired difference with
its 95% confidence interval and the range of 90% of the per-replication differences. Functions take the tables
the commands write (final.csv, comparison.csv, sweep.csv), so a printout and its file always agree.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.scenario.outcome_syntax import parse_outcome
from sim.util import calendar

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


def window_text(window: tuple[int, int], replications: int, start: str | None = None) -> str:
    """'mean over 2034-01 to 2034-12 of each of 500 replications' (months 109-120 without a calendar)."""
    return f"mean over {calendar.span(*window, start)} of each of {replications} replications"


def final_text(
    final: pd.DataFrame,
    *,
    scenario: str,
    window: tuple[int, int],
    replications: int,
    start: str | None = None,
    fit: str | None = None,
) -> str:
    """A run's final trust per directed dyad: median and 90% band over replications (final.csv); with a fit, the
    band holds parameter uncertainty too, and the header says so."""
    lines = [f"Final trust, {scenario}: {window_text(window, replications, start)}"]
    if fit is not None:
        lines.append(f"Parameters drawn from the fit in {fit_text(fit)}: one posterior draw per replication.")
    lines.append(f"{'observer -> target':<{DYAD_WIDTH}}median [90% band]")
    for row in final.itertuples():
        lines.append(f"{row.observer + ' -> ' + row.target:<{DYAD_WIDTH}}{band_text(row.p50, row.p05, row.p95)}")
    return "\n".join(lines)


def fit_text(fit: str) -> str:
    """A fit's folder as a user would type it: relative to the working folder when inside it."""
    path, here = Path(fit), Path.cwd()
    return str(path.relative_to(here)) if path.is_absolute() and path.is_relative_to(here) else str(path)


def comparison_text(
    final: pd.DataFrame, *, window: tuple[int, int], replications: int, start: str | None = None, fit: str | None = None
) -> str:
    """Per dyad and scenario: final trust (median [90% band]); for every scenario but the first, the mean paired
    difference from the first [95% CI] and the range of 90% of the per-replication differences (comparison.csv);
    with a fit, also the probability that the scenario ends above the first across the posterior's draws."""
    names = list(dict.fromkeys(final["scenario"]))
    width = max(12, *map(len, names)) + 2
    cell = 24
    lines = [
        f"Final trust: {window_text(window, replications, start)}; median [90% band] over replications.",
        f"Difference from {names[0]}, per replication (common random numbers): mean [95% CI of the mean],",
        "and the range of 90% of the replications' differences.",
    ]
    if fit is not None:
        lines += [
            f"Parameters drawn from the fit in {fit_text(fit)}: one posterior draw per replication, the same in",
            "every scenario, so the 90% range holds parameter uncertainty; the 95% CI is Monte Carlo precision only.",
            f"P(above): the share of draws in which the scenario ends above {names[0]}.",
        ]
    lines += [
        "",
        f"{'observer -> target':<{DYAD_WIDTH}}{'scenario':<{width}}{'median [90% band]':<{cell}}"
        f"{'difference [95% CI]':<{cell + 2}}{'90% of replications':<{cell}}" + ("P(above)" if fit else ""),
    ]
    lines[-1] = lines[-1].rstrip()
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
    start: str | None = None,
) -> str:
    """A sweep's summary (per outcome, the points with the lowest and highest median: SweepResult.summary) and,
    for Sobol or Morris, the three most influential parameters of each outcome (ST or mu*)."""
    lines = [
        f"Final values: {window_text(window, replications, start)}; median [90% band] over replications, per point.",
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


def outcome_cell(row: Any, kind: str, start: str | None, steps: int) -> str:
    """One row of an outcomes table (sim.runs.outcomes.table) in words: a probability with its 95% CI; a first
    crossing as the median month [90% band] and the share that crossed; a value as the median [90% band] and
    the mean."""
    if kind == "prob":
        return f"{row.mean:.3f} [{row.mean_low:.3f}, {row.mean_high:.3f}]"
    if kind == "first":
        months = [month_text(v, start, steps) for v in (row.p50, row.p05, row.p95)]
        return f"{months[0]} [{months[1]}, {months[2]}], crossed in {row.mean:.0%}"
    return f"{row.p50:.3f} [{row.p05:.3f}, {row.p95:.3f}], mean {row.mean:.3f}"


def month_text(step: float, start: str | None, steps: int) -> str:
    """A month of a run as people read it: '2031-04' or 'month 76'; after the run's last, 'never'."""
    if step > steps:
        return "never"
    whole = math.ceil(step)
    return calendar.date_of(whole, start) if start else f"month {whole}"


def outcomes_text(table: pd.DataFrame, *, start: str | None, steps: int, replications: int) -> str:
    """The outcomes asked for (outcomes.csv): per outcome and scenario, in words, with the paired difference
    from the first scenario when there are several."""
    names = list(dict.fromkeys(table["scenario"]))
    several = len(names) > 1
    width = max(len("outcome"), *map(len, table["label"])) + 2
    who = max(12, *map(len, names)) + 2 if several else 0
    cells = {
        i: outcome_cell(row, parse_outcome(row.outcome).kind, start, steps) for i, row in enumerate(table.itertuples())
    }
    cell = max(len("median [90% band]"), *map(len, cells.values())) + 2
    about = (
        f"Outcomes over {replications} replications: P(...) with its 95% CI; first(...) as the median month"
        " [90% band] and the share that crossed; values as the median [90% band] and the mean."
    )
    if several:
        about += (
            f" Difference from {names[0]}, paired per replication: mean [95% CI] (for first(...), in the share"
            " that crossed)."
        )
    lines = textwrap.wrap(about, 112)
    if several:
        lines.append(f"{'outcome':<{width}}{'scenario':<{who}}{'value':<{cell}}difference [95% CI]")
    for i, row in enumerate(table.itertuples()):
        first = i == 0 or table["outcome"].iloc[i - 1] != row.outcome
        label = row.label if first else ""
        diff = (
            band_text(row.diff, row.diff_low, row.diff_high, signed=True)
            if several and row.scenario != names[0]
            else ""
        )
        scenario = f"{row.scenario:<{who}}" if several else ""
        lines.append(f"{label:<{width}}{scenario}{cells[i]:<{cell}}{diff}".rstrip())
    return "\n".join(lines)
