"""A trajectories file (netCDF-4) read back is checked against what `Results.save` writes: its arrays and their
dimensions, the scenario and seed it records, the actors and moves of that scenario, months 0..T in order, trust
in [0, 1] off the diagonal, and counts that are whole and not negative.

A file that was edited, renamed into place or written by another program is one ConfigError naming it and what is
wrong, never an xarray or numpy error later (and never numbers silently scored).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from pydantic import ValidationError

from sim.scenario.schema import Scenario
from sim.util.errors import ConfigError

HINT = "it is damaged or not written by diplosim; rerun the run that made it"
DIMS = {
    "trust": ("replication", "step", "observer", "target"),
    "moves": ("replication", "step", "actor", "move"),
    "events": ("replication", "step", "event"),
}
MAX_SEED = 2**63 - 1


def check_dataset(data: xr.Dataset, path: Path, format_version: int) -> Scenario:
    """Raise a ConfigError naming `path` unless `data` is what `Results.save` writes; the scenario it records."""

    def fail(what: str) -> ConfigError:
        return ConfigError(what, file=path, hint=HINT)

    missing = [v for v in DIMS if v not in data] + [a for a in ("config", "seed") if a not in data.attrs]
    if missing:
        raise fail(f"is not diplosim trajectories (no {', '.join(missing)})")
    for name, dims in DIMS.items():
        if data[name].dims != dims:
            raise fail(f"'{name}' has dimensions {data[name].dims}, not {dims}")
    version = data.attrs.get("format_version", format_version)
    if not _whole(version) or int(version) > format_version:
        raise fail(f"has format version {version!r}; this diplosim reads up to {format_version}")
    seed = data.attrs["seed"]
    if not _whole(seed) or not 0 <= int(seed) <= MAX_SEED:
        raise fail(f"has seed {seed!r}, not a whole number from 0 to 2**63-1")
    spec = _scenario(data.attrs["config"], fail)
    _coordinates(data, spec, fail)
    _values(data, fail)
    return spec


def _whole(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _scenario(config: Any, fail: Any) -> Scenario:
    """The scenario recorded in the `config` attribute (JSON of a resolved scenario)."""
    if not isinstance(config, str):
        raise fail(f"has a 'config' attribute of type {type(config).__name__}, not JSON text")
    try:
        json.loads(config)
        return Scenario.model_validate_json(config)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(map(str, err["loc"]))
        raise fail(f"records a scenario that does not validate ({where}: {err['msg']})") from None
    except ValueError:
        raise fail("has a 'config' attribute that is not JSON") from None


def _coordinates(data: xr.Dataset, spec: Scenario, fail: Any) -> None:
    """Actors and moves as the scenario names them; months 0..T in order; replications distinct."""
    actors = list(spec.world.actors)
    for dim in ("observer", "target", "actor"):
        found = [str(a) for a in data[dim].values]
        if found != actors:
            raise fail(f"names actors {found} along '{dim}', not its scenario's {actors}")
    moves = [str(m) for m in data["move"].values]
    if moves != list(spec.world.moves):
        raise fail(f"names moves {moves}, not its scenario's")
    if len(set(map(str, data["event"].values))) != data.sizes["event"]:
        raise fail("names an event twice")
    steps = data["step"].values
    if steps.dtype.kind not in "iu" or not np.array_equal(steps, np.arange(len(steps))) or len(steps) < 1:
        raise fail("has months that are not 0, 1, 2, ... in order (reversed, shifted or not whole numbers)")
    if len(steps) - 1 > spec.steps:
        raise fail(f"has {len(steps) - 1} months, more than its scenario's {spec.steps}")
    reps = data["replication"].values
    if reps.dtype.kind not in "iu" or (reps < 0).any() or len(np.unique(reps)) != len(reps) or len(reps) < 1:
        raise fail("has replications that are not distinct whole numbers >= 0")
    dates = spec.dates()
    if "date" in data.coords and dates is not None:
        expected = np.array(dates[: len(steps)], dtype="datetime64[M]")
        if not np.array_equal(data["date"].values.astype("datetime64[M]"), expected):
            raise fail(f"has dates that do not follow its scenario's calendar (from {spec.start})")


def _values(data: xr.Dataset, fail: Any) -> None:
    """Trust in [0, 1] off the diagonal (NaN on it); move and event counts whole and not negative."""
    trust = data["trust"].values
    if trust.dtype.kind != "f":
        raise fail(f"holds trust as {trust.dtype}, not numbers")
    n = trust.shape[-1]
    off = trust[..., ~np.eye(n, dtype=bool)]
    if not np.isfinite(off).all():
        raise fail("holds trust that is not a number (NaN or infinite) off the diagonal")
    if (off < 0).any() or (off > 1).any():
        raise fail(f"holds trust outside 0 to 1 (from {off.min():g} to {off.max():g})")
    for name in ("moves", "events"):
        counts = data[name].values
        if counts.dtype.kind not in "iuf" or (counts.dtype.kind == "f" and not np.isfinite(counts).all()):
            raise fail(f"holds {name} that are not numbers")
        if (counts < 0).any() or (counts != np.round(counts)).any():
            raise fail(f"holds {name} counts that are negative or not whole")
