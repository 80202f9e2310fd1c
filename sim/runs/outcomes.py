"""Outcomes: per replication, the mean over the final window (sim.runs.stats.final_mean) of trust, mutual trust,
alignment or polarization; per sweep point, their mean, median and 90% band over replications. Pure functions of
the trust states."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.core import dynamics
from sim.runs import stats
from sim.scenario.dyads import ALIGNMENT_ACTORS, dyads, has_alignment, mutual_name, pairs, trust_name

DEFAULT = ("trust", "alignment", "polarization")
STATS = ("mean", *stats.FINAL_BANDS)


def catalogue(actors: Sequence[str]) -> dict[str, list[str]]:
    """Every outcome name and group a sweep may ask for, with the names each stands for."""
    directed = [trust_name(o, t) for o, t in dyads(actors)]
    mutual = [mutual_name(a, b) for a, b in pairs(actors)]
    out = {"trust": directed, "mutual": mutual, **{n: [n] for n in directed + mutual}, "polarization": ["polarization"]}
    if has_alignment(actors):
        out["alignment"] = ["alignment"]
    return out


def evaluate(
    window: np.ndarray, steps: np.ndarray, names: Sequence[str], actors: Sequence[str], last: int = stats.FINAL_WINDOW
) -> np.ndarray:
    """Outcomes [replication, outcome] from the trust states `window` [step, replication, observer, target] of the
    months `steps` (at least the final window of `last` months)."""
    index = {a: i for i, a in enumerate(actors)}
    cells = {(a, b): (i, j) for a, i in index.items() for b, j in index.items()}
    directed = {trust_name(a, b): ij for (a, b), ij in cells.items()}
    mutual = {mutual_name(a, b): ij for (a, b), ij in cells.items()}
    columns = []
    for name in names:
        if name in directed:
            i, j = directed[name]
            series = window[:, :, i, j]
        elif name in mutual:
            i, j = mutual[name]
            series = (window[:, :, i, j] + window[:, :, j, i]) / 2
        elif name == "alignment":
            series = dynamics.alignment(window, *(index[code] for code in ALIGNMENT_ACTORS))
        else:
            series = dynamics.polarization(window)
        columns.append(stats.final_mean(series, steps, axis=0, last=last))
    return np.stack(columns, axis=-1)


def summarise(values: np.ndarray) -> dict[str, np.ndarray]:
    """Mean, median and 90% band (sim.runs.stats) over replications of `values` [point, replication, outcome]."""
    return stats.describe(values, axis=1, bands=stats.FINAL_BANDS)
