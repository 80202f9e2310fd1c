"""A run folder's and a comparison folder's tables read back, each checked against the manifest: the months
0..steps, the actors' directed dyads, the scenarios, the calendar, and the row counts it recorded.

A folder can be damaged after it was written: a copy cut short, a table edited by hand, a file replaced. Every such
problem is one ConfigError naming the file and what is wrong with it, never a pandas traceback and never figures or
a report silently made from half a table.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sim.outputs.readers.manifest import expected_rows, read_manifest
from sim.outputs.readers.tables import (
    COUNT,
    DIFFERENCE,
    MONTH,
    NUMBER,
    OPTIONAL_NUMBER,
    RERUN,
    SHARE,
    TEXT,
    Column,
    check_dates,
    complete,
    ordered,
    read_table,
)
from sim.runs.stats import BANDS, FINAL_BANDS
from sim.runs.stats import DIFFERENCE as DIFFS
from sim.scenario.dyads import dyads, has_alignment
from sim.scenario.outcome_syntax import parse_outcome
from sim.util.errors import ConfigError

GOLDSTEIN = Column("number", -10.0, 10.0)  # the Goldstein scale, as the schema bounds it
STATS = {"mean": SHARE, **dict.fromkeys(BANDS, SHARE)}
FINAL = {"mean": SHARE, **dict.fromkeys(FINAL_BANDS, SHARE)}
DYAD = {"observer": TEXT, "target": TEXT}
RUN_TABLES: dict[str, dict[str, Column]] = {
    "summary.csv": {"step": MONTH, **DYAD, **STATS},
    "alignment.csv": {"step": MONTH, **STATS},
    "moves.csv": {"step": MONTH, "actor": TEXT, "move": TEXT, "goldstein": GOLDSTEIN, "mean_count": COUNT},
    "events.csv": {"step": MONTH, "event": TEXT, "mean_count": COUNT},
}
FINAL_TABLE = {**DYAD, **FINAL}
COMPARE_TABLES: dict[str, dict[str, Column]] = {
    "comparison.csv": {"scenario": TEXT, **DYAD, **FINAL, **dict.fromkeys(DIFFS, DIFFERENCE)},
    "comparison_steps.csv": {"step": MONTH, "scenario": TEXT, **DYAD, **STATS, **dict.fromkeys(DIFFS, DIFFERENCE)},
}
QUANTILE_ORDER = (BANDS, FINAL_BANDS, ("diff_low", "diff", "diff_high"), ("diff_p05", "diff_p95"))


def _read(folder: Path, name: str, columns: Mapping[str, Column], meta: Mapping[str, Any]) -> pd.DataFrame:
    """One table, checked against its columns, its row count, its quantiles' order and the calendar."""
    path = folder / name
    table = read_table(path, columns, rows=expected_rows(dict(meta), name))
    ordered(table, path, [chain for chain in QUANTILE_ORDER if set(chain) <= set(columns)])
    if "step" in columns:
        steps = int(meta["steps"])
        beyond = table["step"] > steps
        if beyond.any():
            raise ConfigError(f"has months after the run's last ({steps})", file=path, hint=RERUN)
        check_dates(table, path, meta.get("start"))
    return table


def _actors(meta: Mapping[str, Any], table: pd.DataFrame) -> list[str]:
    """The actor codes: from the manifest, else as the table names them."""
    return list(meta["actors"]) or sorted(set(table["observer"]) | set(table["target"]))


def run_tables(folder: Path, meta: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """A run folder's tables over time (summary, alignment, moves, events), each checked against the manifest."""
    steps = range(int(meta["steps"]) + 1)
    names = [n for n in RUN_TABLES if n != "alignment.csv" or (folder / n).exists()]
    tables = {name: _read(folder, name, RUN_TABLES[name], meta) for name in names}
    summary = tables["summary.csv"]
    actors = _actors(meta, summary)
    if "alignment.csv" not in tables and has_alignment(actors):
        raise ConfigError("not a complete result folder (no alignment.csv)", file=folder, hint=RERUN)
    expected = {(s, o, t) for s in steps for o, t in dyads(actors)}
    complete(summary, folder / "summary.csv", ("step", "observer", "target"), expected)
    if "alignment.csv" in tables:
        complete(tables["alignment.csv"], folder / "alignment.csv", ("step",), {(s,) for s in steps})
    events, moves = tables["events.csv"], tables["moves.csv"]
    complete(events, folder / "events.csv", ("step", "event"), {(s, e) for s in steps for e in set(events["event"])})
    made = set(zip(moves["actor"], moves["move"], strict=True))  # moves an actor makes, with every month's count
    complete(moves, folder / "moves.csv", ("step", "actor", "move"), {(s, a, m) for s in steps for a, m in made})
    unknown = set(moves["actor"]) - set(actors)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ConfigError(f"names actor(s) {names} the run does not have", file=folder / "moves.csv", hint=RERUN)
    return tables


def read_final(folder: Path, meta: Mapping[str, Any]) -> pd.DataFrame:
    """A run folder's final.csv (final trust per directed dyad), checked against the manifest's actors."""
    table = _read(folder, "final.csv", FINAL_TABLE, meta)
    expected = set(dyads(_actors(meta, table)))
    complete(table, folder / "final.csv", ("observer", "target"), expected)
    return table


def read_summary(folder: Path, meta: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """A run folder's summary.csv (trust per month and dyad over replications), checked with the other tables
    over time against the manifest (read from the folder unless given)."""
    return run_tables(folder, meta if meta is not None else read_manifest(folder, "run"))["summary.csv"]


def read_comparison(folder: Path, meta: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """A comparison folder's tables, each checked against the manifest's scenarios, months and actors: the
    reference scenario (the first) has no differences, every other one has them all."""
    tables = {name: _read(folder, name, columns, meta) for name, columns in COMPARE_TABLES.items()}
    scenarios, steps = list(meta["scenarios"]), range(int(meta["steps"]) + 1)
    directed = dyads(_actors(meta, tables["comparison.csv"]))
    for name, table in tables.items():
        path = folder / name
        others = table["scenario"] != scenarios[0]
        for column in DIFFS:
            wrong = table[column].isna() == others
            if wrong.any():
                row = int(wrong.to_numpy().nonzero()[0][0]) + 1
                what = "is empty" if others.to_numpy()[row - 1] else "has a value for the reference scenario"
                raise ConfigError(f"column '{column}' {what} in data row {row}", file=path, hint=RERUN)
        if name == "comparison.csv":
            complete(table, path, ("scenario", "observer", "target"), {(s, *d) for s in scenarios for d in directed})
        else:
            expected = {(m, s, *d) for m in steps for s in scenarios for d in directed}
            complete(table, path, ("step", "scenario", "observer", "target"), expected)
    return tables


OUTCOMES_TABLE = {
    "scenario": TEXT,
    "outcome": TEXT,
    "label": TEXT,
    **dict.fromkeys(("mean", "mean_low", "mean_high", "p05", "p50", "p95"), NUMBER),
    **dict.fromkeys(("diff", "diff_low", "diff_high"), OPTIONAL_NUMBER),
}


def read_outcomes(folder: Path, meta: Mapping[str, Any]) -> pd.DataFrame | None:
    """outcomes.csv (the --outcome table, sim.runs.outcomes.table), or None when none was asked for: its columns
    checked, each outcome a name the syntax reads, and its scenarios the folder's."""
    path = folder / "outcomes.csv"
    if not path.is_file():
        return None
    table = read_table(path, OUTCOMES_TABLE)
    names = set(meta["scenarios"]) if "scenarios" in meta else {meta["scenario"]}
    for row, (scenario, outcome) in enumerate(zip(table["scenario"], table["outcome"], strict=True), start=1):
        if scenario not in names:
            raise ConfigError(f"data row {row} names scenario '{scenario}', not one of this folder's", file=path)
        try:
            parse_outcome(outcome)
        except ConfigError:
            raise ConfigError(f"data row {row}: '{outcome}' is not an outcome", file=path, hint=RERUN) from None
    return table
