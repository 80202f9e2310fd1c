"""A result folder's manifest.json read back: JSON, an object, and the fields its readers rely on, checked.

What a folder is follows from its tables: a sweep (sweep.csv), a comparison (comparison.csv) or a run
(summary.csv). Every kind records replications and steps and, since the readers check them, the row count of every
table it wrote (`rows`); a run or comparison with a calendar records its `start`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from sim.outputs.manifest import MANIFEST
from sim.outputs.readers.tables import RERUN, whole_number
from sim.runs.stats import FINAL_WINDOW, final_window
from sim.util import calendar
from sim.util.errors import ConfigError

Kind = Literal["run", "comparison", "sweep"]
KIND_TABLES: dict[str, Kind] = {"sweep.csv": "sweep", "comparison.csv": "comparison", "summary.csv": "run"}


def folder_kind(folder: Path) -> Kind | None:
    """'sweep', 'comparison' or 'run', by the table the folder holds; None if it holds none of them."""
    return next((kind for name, kind in KIND_TABLES.items() if (folder / name).is_file()), None)


def read_manifest(folder: Path, kind: Kind | None = None) -> dict[str, Any]:
    """The folder's manifest with the fields its readers need checked: replications, steps, actors, rows, the
    calendar's start, and the scenario (a run or sweep) or scenarios (a comparison); a sweep's parameters,
    outcomes, points and failed points. `kind` defaults to what the folder's tables say it is."""
    path = folder / MANIFEST
    try:
        meta = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ConfigError("not a result folder (no manifest.json)", file=folder) from None
    except IsADirectoryError:
        raise ConfigError("is a folder, not a manifest", file=path, hint=RERUN) from None
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise ConfigError(f"is not valid JSON: {exc}", file=path, hint=RERUN) from None
    if not isinstance(meta, dict):
        raise ConfigError("is not a JSON object", file=path, hint=RERUN)
    kind = kind or folder_kind(folder) or "run"
    for key in ("replications", "steps"):
        _count(meta, key, path, low=1)
    _common(meta, path, kind)
    if kind == "sweep":
        _sweep(meta, path)
    return meta


def _count(meta: dict[str, Any], key: str, path: Path, low: int = 0) -> int:
    value = meta.get(key)
    if not whole_number(value) or value < low:
        raise ConfigError(f"has no valid '{key}' (got {value!r})", file=path, hint=RERUN)
    return int(value)


def _common(meta: dict[str, Any], path: Path, kind: Kind) -> None:
    actors = meta.setdefault("actors", {})  # older folders may lack it: the tables name the actors
    if not isinstance(actors, dict) or not all(isinstance(v, str) for v in actors.values()):
        raise ConfigError("has no valid 'actors' (a table of code = name)", file=path, hint=RERUN)
    key, want = ("scenarios", list) if kind == "comparison" else ("scenario", str)
    value = meta.get(key)
    if not isinstance(value, want) or not value or (want is list and not all(isinstance(v, str) for v in value)):
        raise ConfigError(f"has no valid '{key}' (got {value!r})", file=path, hint=RERUN)
    rows = meta.get("rows", {})
    if not isinstance(rows, dict) or not all(whole_number(n) and n >= 0 for n in rows.values()):
        raise ConfigError("has no valid 'rows' (a table of file = row count)", file=path, hint=RERUN)
    start = meta.get("start")
    if start is not None:
        try:
            calendar.month_index(start)
        except ValueError as exc:
            raise ConfigError(f"has no valid 'start': {exc}", file=path, hint=RERUN) from None


def _sweep(meta: dict[str, Any], path: Path) -> None:
    for key in ("parameters", "outcomes"):
        value = meta.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"has no valid '{key}' (a list of names; got {value!r})", file=path, hint=RERUN)
        if len(set(value)) != len(value):
            raise ConfigError(f"names an entry of '{key}' twice", file=path, hint=RERUN)
    points = _count(meta, "points", path, low=1)
    if "last" in meta:
        _count(meta, "last", path, low=1)
    if not isinstance(meta.get("design"), str):
        raise ConfigError(f"has no valid 'design' (got {meta.get('design')!r})", file=path, hint=RERUN)
    failed = meta.get("failed_points", [])
    if not isinstance(failed, list) or not all(whole_number(p) and 0 <= p < points for p in failed):
        raise ConfigError(f"has no valid 'failed_points' (points 0 to {points - 1})", file=path, hint=RERUN)


def window_of(meta: Mapping[str, Any]) -> tuple[int, int]:
    """The final window of a result folder's numbers, from its manifest: its months, and a sweep's `last`."""
    return final_window(int(meta["steps"]), int(meta.get("last", FINAL_WINDOW)))


def expected_rows(meta: dict[str, Any], name: str) -> int | None:
    """The row count the manifest recorded for table `name` (None for folders written before it did)."""
    rows = meta.get("rows", {})
    return int(rows[name]) if name in rows else None
