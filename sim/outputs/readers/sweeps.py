"""A sweep folder read back: sweep.csv, sensitivity.csv and failures.csv checked against the manifest (its
points, parameters, outcomes, design and failed points), and the per-replication chunks (chunks/*.npz) checked
against what the sweep wrote into each: its points, replications and outcomes, as numbers of the right shape.

A chunk file is a zip of numpy arrays; one cut short, replaced or written by something else is one ConfigError
naming it, never a BadZipFile or a KeyError.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.outputs.readers.manifest import expected_rows
from sim.outputs.readers.tables import (
    NUMBER,
    OPTIONAL_NUMBER,
    OPTIONAL_TEXT,
    RERUN,
    TEXT,
    Column,
    complete,
    ordered,
    read_table,
)
from sim.scenario.outcome_syntax import value_range
from sim.util.errors import ConfigError

STATS = ("mean", "p05", "p50", "p95")  # an outcome's columns in sweep.csv (sim.runs.outcomes.STATS)
INDICES = {"sobol": ("S1", "S1_conf", "ST", "ST_conf"), "morris": ("mu", "mu_star", "mu_star_conf", "sigma")}
CHUNK_KEYS = ("values", "points", "start", "outcomes", "errors")


def _scale(name: str) -> Column:
    """The column of an outcome's statistic in sweep.csv: within the outcome's range, empty for failed points."""
    low, high = value_range(name)
    return Column("number", low, high, filled=False)


def outcome_columns(outcomes: Sequence[str]) -> list[str]:
    """trust_PAK_USA_mean, trust_PAK_USA_p05, ... for every outcome."""
    return [f"{name}_{stat}" for name in outcomes for stat in STATS]


def read_sweep_table(folder: Path, meta: Mapping[str, Any]) -> pd.DataFrame:
    """sweep.csv: one row per point (0 .. points-1, in order), its parameters' values and its outcomes' mean,
    median and 90% band; empty exactly for the failed points."""
    path = folder / "sweep.csv"
    outcomes = outcome_columns(meta["outcomes"])
    columns: dict[str, Column] = {"point": Column("whole", 0), **dict.fromkeys(meta["parameters"], NUMBER)}
    scales = {f"{name}_{stat}": _scale(name) for name in meta["outcomes"] for stat in STATS}
    table = read_table(path, {**columns, **scales}, rows=_rows(meta, "sweep.csv"))
    last = int(meta["points"]) - 1
    if list(table["point"]) != list(range(last + 1)):
        raise ConfigError(f"does not list the points 0 to {last} in order (was it cut short?)", file=path, hint=RERUN)
    failed = set(meta.get("failed_points", []))
    empty = table[outcomes].isna()
    wrong = empty.any(axis=1) != table["point"].isin(failed)
    if wrong.any():
        point = int(table["point"][wrong].iloc[0])
        what = "has no outcomes" if point not in failed else "has outcomes, but the manifest lists it as failed"
        raise ConfigError(f"point {point} {what}", file=path, hint=RERUN)
    ordered(table, path, [[f"{name}_{s}" for s in ("p05", "p50", "p95")] for name in meta["outcomes"]])
    return table


def read_sensitivity(folder: Path, meta: Mapping[str, Any]) -> pd.DataFrame | None:
    """sensitivity.csv (Sobol or Morris indices per outcome and parameter), or None when the sweep wrote none."""
    path = folder / "sensitivity.csv"
    indices = INDICES.get(str(meta["design"]))
    if indices is None or not path.is_file():
        if indices is not None and not meta.get("failed_points") and _listed(meta, path.name):
            raise ConfigError("not a complete sweep folder (no sensitivity.csv)", file=folder, hint=RERUN)
        return None
    columns = {"outcome": TEXT, "parameter": TEXT, **dict.fromkeys(indices, OPTIONAL_NUMBER)}
    table = read_table(path, columns, rows=_rows(meta, path.name))
    expected = {(o, p) for o in meta["outcomes"] for p in meta["parameters"]}
    complete(table, path, ("outcome", "parameter"), expected)
    return table


def read_failures(folder: Path, meta: Mapping[str, Any]) -> pd.DataFrame:
    """failures.csv (each failed point, its values and its error): exactly the manifest's failed points."""
    path = folder / "failures.csv"
    failed = {int(p) for p in meta.get("failed_points", [])}
    columns = {"point": Column("whole", 0), **dict.fromkeys(meta["parameters"], NUMBER), "error": TEXT}
    if not failed and not path.is_file():
        return pd.DataFrame(columns=[*columns, "detail"])
    table = read_table(path, {**columns, "detail": OPTIONAL_TEXT}, rows=_rows(meta, path.name))
    complete(table, path, ("point",), {(p,) for p in failed})
    return table


def _rows(meta: Mapping[str, Any], name: str) -> int | None:
    return expected_rows(dict(meta), name)


def _listed(meta: Mapping[str, Any], name: str) -> bool:
    """Whether the manifest lists the file among those written (older manifests list every file too)."""
    return name in meta.get("files", [])


# ---------------------------------------------------------------------------------------------------------------
# Chunks


@dataclass(frozen=True)
class ChunkFile:
    """One chunk file: outcomes [point, replication, outcome] of `points` over replications start..start+n-1,
    and the errors of its failed points."""

    values: np.ndarray
    points: list[int]
    start: int
    outcomes: list[str]
    errors: dict[int, dict[str, str]]


def read_chunk(path: Path, outcomes: Sequence[str], points: int, hint: str = RERUN) -> ChunkFile:
    """A chunk file, checked: its arrays, shapes and types, outcomes as the sweep names them, points below
    `points`, errors as the sweep records them (a point's error and detail)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in CHUNK_KEYS if k not in data.files]
            if missing:
                raise ConfigError(f"is not a sweep chunk (no {', '.join(missing)})", file=path, hint=hint)
            arrays = {k: data[k] for k in CHUNK_KEYS}
    except ConfigError:
        raise
    except FileNotFoundError:
        raise ConfigError("is missing", file=path, hint=hint) from None
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:  # np.load fails in many ways
        raise ConfigError(f"cannot be read as a sweep chunk ({type(exc).__name__})", file=path, hint=hint) from None
    return _checked(path, arrays, outcomes, points, hint)


def _checked(path: Path, a: dict[str, np.ndarray], outcomes: Sequence[str], points: int, hint: str) -> ChunkFile:
    def fail(what: str) -> ConfigError:
        return ConfigError(what, file=path, hint=hint)

    values, ids, start = a["values"], a["points"], a["start"]
    if a["outcomes"].dtype.kind != "U" or [str(o) for o in a["outcomes"]] != list(outcomes):
        raise fail(f"holds outcomes {list(map(str, a['outcomes']))}, not the sweep's {list(outcomes)}")
    if ids.ndim != 1 or ids.dtype.kind not in "iu" or len(ids) == 0 or not ((ids >= 0) & (ids < points)).all():
        raise fail(f"holds points that are not among the sweep's 0 to {points - 1}")
    if len(set(ids.tolist())) != len(ids):
        raise fail("holds a point twice")
    if start.ndim != 0 or start.dtype.kind not in "iu" or int(start) < 0:
        raise fail("has no valid first replication ('start')")
    if values.dtype.kind != "f" or values.ndim != 3 or values.shape[0] != len(ids) or values.shape[2] != len(outcomes):
        raise fail(f"holds values of shape {values.shape} ({values.dtype}), not [points, replications, outcomes]")
    errors = _errors(a["errors"], fail)
    ok = values[[i for i, p in enumerate(ids.tolist()) if p not in errors]]
    for k, name in enumerate(outcomes):
        low, high = value_range(name)
        column = ok[..., k]
        if not np.isfinite(column).all() or (column < low).any() or (high is not None and (column > high).any()):
            scale = f"from {low:g} to {high:g}" if high is not None else f"from {low:g}"
            raise fail(f"holds values of {name} that are not numbers {scale} for points that did not fail")
    return ChunkFile(values, [int(p) for p in ids], int(start), list(outcomes), errors)


def _errors(raw: np.ndarray, fail: Any) -> dict[int, dict[str, str]]:
    try:
        errors = json.loads(str(raw)) if raw.dtype.kind == "U" and raw.ndim == 0 else None
    except ValueError:
        errors = None
    if not isinstance(errors, dict) or not all(
        k.isdigit() and isinstance(v, dict) and all(isinstance(v.get(f), str) for f in ("error", "detail"))
        for k, v in errors.items()
    ):
        raise fail("has no valid 'errors' (a JSON table of point = error and detail)")
    return {int(k): v for k, v in errors.items()}


def read_chunks(folder: Path, meta: Mapping[str, Any]) -> tuple[np.ndarray, list[str]]:
    """Every replication's outcomes [point, replication, outcome] from a sweep folder's chunks/, checked to cover
    each point's replications 0..R-1 exactly once; and the outcome names."""
    outcomes, points, reps = list(meta["outcomes"]), int(meta["points"]), int(meta["replications"])
    values = np.full((points, reps, len(outcomes)), np.nan)
    seen = np.zeros((points, reps), dtype=bool)
    files = sorted((folder / "chunks").glob("chunk-*.npz"))
    for path in files:
        chunk = read_chunk(path, outcomes, points)
        stop = chunk.start + chunk.values.shape[1]
        if stop > reps or seen[chunk.points, chunk.start : stop].any():
            raise ConfigError(
                "holds replications another chunk also holds, or beyond the sweep's", file=path, hint=RERUN
            )
        values[chunk.points, chunk.start : stop] = chunk.values
        seen[chunk.points, chunk.start : stop] = True
    if not seen.all():
        point = int(np.flatnonzero(~seen.all(axis=1))[0])
        raise ConfigError(
            f"chunks/ lacks replications of point {point} (a chunk file is missing)", file=folder, hint=RERUN
        )
    return values, outcomes
