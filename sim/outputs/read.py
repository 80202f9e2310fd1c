"""Result folders read back (for `diplosim plot`): the manifest and the tables, checked to be whole.

A folder can be damaged after it was written: a copy cut short, a table edited by hand, a file replaced. Every
such problem is one ConfigError naming the file and what is wrong with it, never a pandas traceback and never
figures silently drawn from half a table. The manifest says what the tables must hold (months, actors,
scenarios), so a table that is cut short at a line break is caught too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.outputs.manifest import MANIFEST
from sim.runs.stats import BANDS, DIFFERENCE, FINAL_BANDS, FINAL_WINDOW, final_window
from sim.scenario.dyads import dyads, has_alignment
from sim.util.errors import ConfigError

RERUN = "the folder looks damaged; run the command in its manifest.json again"
STATS = ("mean", *BANDS)
RUN_TABLES: dict[str, tuple[str, ...]] = {
    "summary.csv": ("step", "observer", "target", *STATS),
    "alignment.csv": ("step", *STATS),
    "moves.csv": ("step", "actor", "move", "goldstein", "mean_count"),
    "events.csv": ("step", "event", "mean_count"),
}
FINAL = ("mean", *FINAL_BANDS)
DIFFS = DIFFERENCE
COMPARE_TABLES: dict[str, tuple[str, ...]] = {
    "comparison.csv": ("scenario", "observer", "target", *FINAL, *DIFFS),
    "comparison_steps.csv": ("step", "scenario", "observer", "target", *STATS, *DIFFS),
}
TEXT_COLUMNS = ("observer", "target", "scenario", "actor", "move", "event")


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's manifest, with the fields the figures need checked: replications, steps, actors, and the
    scenario (a run) or scenarios (a comparison)."""
    path = folder / MANIFEST
    try:
        meta = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ConfigError("not a result folder (no manifest.json)", file=folder) from None
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise ConfigError(f"is not valid JSON: {exc}", file=path, hint=RERUN) from None
    if not isinstance(meta, dict):
        raise ConfigError("is not a JSON object", file=path, hint=RERUN)
    for key in ("replications", "steps"):
        value = meta.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"has no valid '{key}' (got {value!r})", file=path, hint=RERUN)
    actors = meta.get("actors", {})
    if not isinstance(actors, dict) or not all(isinstance(v, str) for v in actors.values()):
        raise ConfigError("has no valid 'actors' (a table of code = name)", file=path, hint=RERUN)
    key, kind = ("scenarios", list) if is_comparison(folder) else ("scenario", str)
    value = meta.get(key)
    if not isinstance(value, kind) or not value or (kind is list and not all(isinstance(v, str) for v in value)):
        raise ConfigError(f"has no valid '{key}' (got {value!r})", file=path, hint=RERUN)
    return meta


def window_of(meta: Mapping[str, Any]) -> tuple[int, int]:
    """The final window of a result folder's numbers, from its manifest: its months, and a sweep's `last`."""
    return final_window(int(meta["steps"]), int(meta.get("last", FINAL_WINDOW)))


def is_comparison(folder: Path) -> bool:
    return (folder / "comparison.csv").is_file()


def read_table(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """A CSV table with these columns (and `date`, YYYY-MM, when a dated run wrote it); text columns as text,
    every other one numeric (NaN only where empty)."""
    try:
        table = pd.read_csv(path, dtype={c: str for c in TEXT_COLUMNS if c in columns} | {"date": str})
    except FileNotFoundError:
        raise ConfigError(f"not a complete result folder (no {path.name})", file=path.parent, hint=RERUN) from None
    except pd.errors.EmptyDataError:
        raise ConfigError("is empty", file=path, hint=RERUN) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"is not a readable CSV table ({first})", file=path, hint=RERUN) from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ConfigError(f"lacks the column(s) {', '.join(missing)}", file=path, hint=RERUN)
    for column in columns:
        if column in TEXT_COLUMNS:
            continue
        numbers = pd.to_numeric(table[column], errors="coerce")
        bad = numbers.isna() & table[column].notna()
        if bad.any():
            row = int(bad.idxmax())
            raise ConfigError(
                f"column '{column}' holds '{table[column][row]}' in data row {row + 1}, not a number",
                file=path,
                hint=RERUN,
            )
        table[column] = numbers
    return table[[*columns, *(["date"] if "date" in table.columns else [])]]


def _require(table: pd.DataFrame, path: Path, columns: Sequence[str], where: pd.Series | None = None) -> None:
    """No empty cell in `columns` (in the rows `where` selects)."""
    rows = table if where is None else table[where]
    for column in columns:
        empty = rows[column].isna()
        if empty.any():
            row = int(empty.idxmax())
            raise ConfigError(f"column '{column}' is empty in data row {row + 1}", file=path, hint=RERUN)


def _complete(table: pd.DataFrame, path: Path, keys: Sequence[str], expected: set[tuple[Any, ...]]) -> None:
    """Exactly one row for each expected combination of `keys` (steps 0..T, dyads, scenarios)."""
    found = [tuple(row) for row in table[list(keys)].itertuples(index=False)]
    if len(found) != len(set(found)):
        raise ConfigError(f"repeats rows (the same {', '.join(keys)})", file=path, hint=RERUN)
    if set(found) != expected:
        absent = len(expected - set(found))
        extra = len(set(found) - expected)
        what = f"{absent} of {len(expected)} rows are missing" if absent else f"{extra} rows do not belong"
        raise ConfigError(f"is incomplete or altered: {what} (was it cut short?)", file=path, hint=RERUN)


def _actors(meta: Mapping[str, Any], table: pd.DataFrame) -> list[str]:
    """The actor codes: from the manifest, else as the table names them."""
    return list(meta["actors"]) or sorted(set(table["observer"]) | set(table["target"]))


def run_tables(folder: Path, meta: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """A run folder's tables, each checked against the manifest's months and actors."""
    steps = range(meta["steps"] + 1)
    names = [n for n in RUN_TABLES if n != "alignment.csv" or (folder / n).exists()]
    tables = {name: read_table(folder / name, RUN_TABLES[name]) for name in names}
    summary = tables["summary.csv"]
    actors = _actors(meta, summary)
    if "alignment.csv" not in tables and has_alignment(actors):
        raise ConfigError("not a complete result folder (no alignment.csv)", file=folder, hint=RERUN)
    path = folder / "summary.csv"
    _require(summary, path, STATS)
    _complete(summary, path, ("step", "observer", "target"), {(s, o, t) for s in steps for o, t in dyads(actors)})
    if "alignment.csv" in tables:
        path = folder / "alignment.csv"
        _require(tables["alignment.csv"], path, STATS)
        _complete(tables["alignment.csv"], path, ("step",), {(s,) for s in steps})
    for name in ("moves.csv", "events.csv"):
        path, table = folder / name, tables[name]
        _require(table, path, RUN_TABLES[name])
        if not table["step"].isin(steps).all():
            raise ConfigError(f"has months outside 0-{meta['steps']}", file=path, hint=RERUN)
    events, moves = tables["events.csv"], tables["moves.csv"]
    _complete(events, folder / "events.csv", ("step", "event"), {(s, e) for s in steps for e in set(events["event"])})
    made = set(zip(moves["actor"], moves["move"], strict=True))  # moves an actor makes, with every month's count
    _complete(moves, folder / "moves.csv", ("step", "actor", "move"), {(s, a, m) for s in steps for a, m in made})
    return tables


def read_comparison(folder: Path, meta: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """A comparison folder's tables, each checked against the manifest's scenarios, months and actors."""
    tables = {name: read_table(folder / name, columns) for name, columns in COMPARE_TABLES.items()}
    scenarios, steps = meta["scenarios"], range(meta["steps"] + 1)
    directed = dyads(_actors(meta, tables["comparison.csv"]))
    for name, table in tables.items():
        path = folder / name
        others = table["scenario"] != scenarios[0]
        _require(table, path, [c for c in COMPARE_TABLES[name] if c not in DIFFS])
        _require(table, path, DIFFS, where=others)
        if name == "comparison.csv":
            expected = {(s, o, t) for s in scenarios for o, t in directed}
            _complete(table, path, ("scenario", "observer", "target"), expected)
        else:
            expected = {(m, s, o, t) for m in steps for s in scenarios for o, t in directed}
            _complete(table, path, ("step", "scenario", "observer", "target"), expected)
    return tables
