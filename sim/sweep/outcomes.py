"""Outcomes: per replication, the mean over the final window (sim.stats) of trust, mutual trust, alignment or
polarization; per point, their mean, median and 90% band over replications. Pure functions of the trust states."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim import dynamics, stats

DEFAULT = ("trust", "alignment", "polarization")
STATS = ("mean", *stats.FINAL_BANDS)


def catalogue(actors: Sequence[str]) -> dict[str, list[str]]:
    """Every outcome name and group a sweep may ask for, with the names each stands for."""
    dyads = [f"trust_{o}_{t}" for o in actors for t in actors if o != t]
    pairs = [f"mutual_{a}_{b}" for i, a in enumerate(actors) for b in actors[i + 1 :]]
    out = {"trust": dyads, "mutual": pairs, **{n: [n] for n in dyads + pairs}, "polarization": ["polarization"]}
    if {"PAK", "CHN", "USA"} <= set(actors):
        out["alignment"] = ["alignment"]
    return out


def evaluate(window: np.ndarray, names: Sequence[str], actors: Sequence[str]) -> np.ndarray:
    """Outcomes [replication, outcome] from trust states `window` [step, replication, observer, target]."""
    index = {a: i for i, a in enumerate(actors)}
    dyads = {
        f"{kind}_{a}_{b}": (kind, i, j)
        for kind in ("trust", "mutual")
        for a, i in index.items()
        for b, j in index.items()
    }
    columns = []
    for name in names:
        if name in dyads:
            kind, i, j = dyads[name]
            series = window[:, :, i, j] if kind == "trust" else (window[:, :, i, j] + window[:, :, j, i]) / 2
        elif name == "alignment":
            series = dynamics.alignment(window, index["PAK"], index["CHN"], index["USA"])
        else:
            series = dynamics.polarization(window)
        columns.append(series.mean(axis=0))
    return np.stack(columns, axis=-1)


def summarise(values: np.ndarray) -> dict[str, np.ndarray]:
    """Mean, median and 90% band (sim.stats) over replications of `values` [point, replication, outcome]."""
    return stats.describe_array(values, axis=1, bands=stats.FINAL_BANDS)
