"""The one reader of everything the tool reads back from a result folder: manifests, the tables of runs,
comparisons and sweeps, trajectories and sweep chunks. plot, report, discover, score and the sweep read through
these functions (the parts live in sim.outputs.readers).

A folder can be damaged after it was written: a copy cut short, a table edited by hand, a file replaced. Each
reader checks what it reads against what the writer promises (columns, types, ranges, shapes, completeness and the
row counts the manifest recorded), so damage is one ConfigError naming the file and what is wrong with it (the
command line prints it as one line and exits with 2), before anything is drawn or written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sim.outputs.readers.manifest import Kind, folder_kind, read_manifest, window_of
from sim.outputs.readers.runs import read_comparison, read_final, read_outcomes, read_summary, run_tables
from sim.outputs.readers.sweeps import (
    ChunkFile,
    read_chunk,
    read_chunks,
    read_failures,
    read_sensitivity,
    read_sweep_table,
)
from sim.outputs.readers.tables import RERUN
from sim.runs.results import Results
from sim.util.errors import ConfigError

__all__ = [
    "ChunkFile",
    "Kind",
    "folder_kind",
    "is_comparison",
    "read_chunk",
    "read_chunks",
    "read_comparison",
    "read_failures",
    "read_final",
    "read_manifest",
    "read_outcomes",
    "read_run",
    "read_sensitivity",
    "read_summary",
    "read_sweep",
    "read_sweep_table",
    "read_trajectories",
    "run_tables",
    "window_of",
]


def is_comparison(folder: Path) -> bool:
    return folder_kind(folder) == "comparison"


def read_trajectories(path: str | Path, meta: dict[str, Any] | None = None) -> Results:
    """A trajectories file (Results.load checks it); with the manifest of its folder, also that it is the run the
    manifest describes (its seed, months and replications)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"not a complete result folder (no {path.name})", file=path.parent, hint=RERUN)
    results = Results.load(path)
    if meta is not None:
        sizes = results.trust.sizes
        found = {"seed": results.seed, "steps": sizes["step"] - 1, "replications": sizes["replication"]}
        for key, value in found.items():
            if key in meta and meta[key] != value:
                raise ConfigError(
                    f"holds {key} {value}, but the folder's manifest says {meta[key]}", file=path, hint=RERUN
                )
    return results


def read_run(folder: str | Path) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """A run folder's manifest and its tables (final, summary, alignment, moves, events), all checked: what
    `score` and `report` read when they do not need the trajectories."""
    folder = Path(folder)
    meta = read_manifest(folder, "run")
    tables = run_tables(folder, meta)
    return meta, {"final.csv": read_final(folder, meta), **tables}


def read_sweep(folder: str | Path) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
    """A sweep folder's manifest, sweep.csv, sensitivity.csv (or None) and failures.csv, all checked."""
    folder = Path(folder)
    if not (folder / "sweep.csv").is_file():
        raise ConfigError("not a sweep folder (no sweep.csv)", file=folder, hint="give a folder written by `sweep`")
    meta = read_manifest(folder, "sweep")
    return meta, read_sweep_table(folder, meta), read_sensitivity(folder, meta), read_failures(folder, meta)
