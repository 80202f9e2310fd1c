"""A fit's posterior sample, drawn one parameter set per replication (`sim.run(..., fit=...)`, `--fit FIT_DIR`).

A fit folder (written by `diplosim calibrate`, sim.fit) holds `posterior.csv`: one row per particle of the last
ABC-SMC population, its model parameters as `parameters.NAME` columns and its `weight`. Replication r of seed s
draws particle `i(s, r)` by inverting the weights' distribution at a uniform from the named stream
"fit:posterior" (sim.util.rng): a pure function of (s, r), so

- replication r draws the same parameters alone or in a batch of any size, and a rerun draws the same again;
- every scenario of a comparison on the same seed and replications gets the same draws, so an effect is the
  difference of two runs with the same parameters and random numbers, and its spread over replications holds
  what the fit does not know (parameter uncertainty) as well as the model's own randomness.

`fit="default"` (or any bare name) is the bundled fit of that name, `scenarios/fits/<name>/`.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.scenario.load import scenario_dir
from sim.scenario.schema import Parameters
from sim.util.errors import ConfigError, did_you_mean
from sim.util.rng import Streams, replication_keys

FILE = "posterior.csv"
PREFIX = "parameters."
WEIGHT = "weight"
STREAM = "fit:posterior"
FITS = "fits"
DEFAULT = "default"
MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class Posterior:
    """Weighted parameter sets: `values` [M, D] of the model parameters `names`, `weights` [M] summing to 1."""

    folder: Path
    names: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray

    def indices(self, seed: int, replications: np.ndarray) -> np.ndarray:
        """The particle each replication draws (see the module's docstring)."""
        u = Streams(replication_keys(seed, replications), [STREAM]).uniform(0)[:, 0]
        cumulative = np.cumsum(self.weights)
        return np.minimum(np.searchsorted(cumulative, u * cumulative[-1], side="right"), len(self.weights) - 1)

    def draws(self, seed: int, replications: np.ndarray) -> dict[str, np.ndarray]:
        """Each parameter's value per replication: what `sim.run(..., alpha=array, ...)` takes."""
        rows = self.values[self.indices(seed, np.asarray(replications))]
        return {name: rows[:, j].copy() for j, name in enumerate(self.names)}


def fit_path(fit: str | Path) -> Path:
    """A fit folder: a path, or the name of a bundled fit (scenarios/fits/<name>)."""
    path = Path(fit)
    if path.parent == Path(".") and not path.exists():
        return scenario_dir() / FITS / path.name
    return path


def bundled_fits() -> list[str]:
    folder = scenario_dir() / FITS
    return sorted(p.name for p in folder.iterdir() if (p / FILE).is_file()) if folder.is_dir() else []


def load_posterior(fit: str | Path) -> Posterior:
    """Read and check a fit folder's posterior sample; one ConfigError naming the file otherwise."""
    folder = fit_path(fit)
    path = folder / FILE
    if not folder.is_dir():
        hint = did_you_mean(str(fit), bundled_fits()) or "give a folder written by `diplosim calibrate`, or: default"
        raise ConfigError("no such fit folder", file=folder, key="fit", hint=hint)
    if not path.is_file():
        hint = "give a folder written by `diplosim calibrate`"
        raise ConfigError(f"has no {FILE}", file=folder, key="fit", hint=hint)
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        raise ConfigError(f"is not a readable UTF-8 CSV: {exc}", file=path) from None
    if not rows:
        raise ConfigError("is empty", file=path, hint=f"the header names {PREFIX}NAME columns and {WEIGHT}")
    header = [cell.strip() for cell in rows[0]]
    names = tuple(c.removeprefix(PREFIX) for c in header if c.startswith(PREFIX))
    for name in names:
        if name not in Parameters.model_fields:
            hint = did_you_mean(name, Parameters.model_fields)
            raise ConfigError(f"column '{PREFIX}{name}' is not a model parameter", file=f"{path}, line 1", hint=hint)
    if not names or WEIGHT not in header:
        missing = WEIGHT if names else f"{PREFIX}NAME"
        raise ConfigError(f"has no {missing} column", file=f"{path}, line 1", hint=f"e.g. {PREFIX}alpha,...,{WEIGHT}")
    body = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    if not body or len(body) > MAX_ROWS:
        raise ConfigError(f"has {len(body)} particles", file=path, hint=f"give 1 to {MAX_ROWS:,} rows")
    columns = [header.index(PREFIX + n) for n in names] + [header.index(WEIGHT)]
    table = np.empty((len(body), len(columns)))
    for i, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ConfigError(f"has {len(row)} fields but the header has {len(header)}", file=f"{path}, line {i}")
        for j, c in enumerate(columns):
            try:
                value = float(row[c])
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise ConfigError(f"column '{header[c]}': '{row[c]}' is not a number", file=f"{path}, line {i}")
            table[i - 2, j] = value
    weights = table[:, -1]
    if (weights < 0).any() or weights.sum() <= 0:
        raise ConfigError("weights must be >= 0 with a positive sum", file=path, key=WEIGHT)
    return Posterior(folder, names, table[:, :-1], weights / weights.sum())
