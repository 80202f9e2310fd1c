"""The cases scenario discovery looks at, read from a sweep folder: each case's parameter values and outcome.

A case is one replication at one point (`cases="runs"`, from the folder's chunks/: "in this box, 80% of the
futures end with PAK's trust in the US above 0.4"), or one point with its median over replications
(`cases="points"`, from sweep.csv).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from sim.outputs.read import read_chunks
from sim.scenario import outcome_syntax
from sim.util.errors import ConfigError, did_you_mean

Cases = Literal["runs", "points"]


def outcome_name(text: str, available: list[str]) -> str:
    """The sweep's name of an outcome written as the sweep file may write it: 'PAK->USA' -> trust_PAK_USA,
    'PAK-USA' -> mutual_PAK_USA, 'P(PAK->USA < 0.2 by 2030-12)' -> prob_trust_PAK_USA_lt_0.2_by_2030-12
    (sim.scenario.outcome_syntax), or a name as the sweep writes it."""
    try:
        name = outcome_syntax.parse_outcome(text, key="--outcome").name
    except ConfigError:
        name = text.strip()
    if name not in available:
        hint = did_you_mean(name, available) or "this sweep has " + ", ".join(available)
        raise ConfigError(f"the sweep has no outcome '{text}'", key="--outcome", hint=hint)
    return name


def cases(
    folder: Path, meta: dict[str, Any], table: pd.DataFrame, outcome: str, kind: Cases
) -> tuple[pd.DataFrame, np.ndarray]:
    """The cases PRIM looks at: their parameter values and the outcome's value in each (from the sweep's
    checked manifest `meta` and table, and for runs its chunks, checked as they are read)."""
    parameters = list(meta["parameters"])
    if kind == "points":
        ok = table.dropna(subset=[f"{outcome}_p50"])
        return ok[parameters].reset_index(drop=True), ok[f"{outcome}_p50"].to_numpy()
    if not (folder / "chunks").is_dir():
        raise ConfigError(
            "this sweep folder has no chunks/ (every replication's outcomes)",
            file=folder,
            hint="use --cases points to take each point's median from sweep.csv",
        )
    values, names = read_chunks(folder, meta)  # [point, replication, outcome]: every point, every replication
    each = values[:, :, names.index(outcome)]
    x = table.set_index("point").loc[np.arange(each.shape[0]), parameters]
    x = x.loc[x.index.repeat(each.shape[1])].reset_index(drop=True)
    values = each.reshape(-1)
    keep = np.isfinite(values)
    return x[keep].reset_index(drop=True), values[keep]
