"""Outcomes: per replication, the mean over the last steps of trust, mutual trust, alignment or polarization;
per point, their mean and 5-95 % band over replications. Pure functions of the trust states."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim import dynamics

DEFAULT = ("trust", "alignment", "polarization")
STATS = ("mean", "p05", "p95")


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
    """Mean and the 5 % and 95 % quantiles over replications of `values` [point, replication, outcome]."""
    p05, p95 = np.quantile(values, [0.05, 0.95], axis=1)
    return {"mean": values.mean(axis=1), "p05": p05, "p95": p95}
