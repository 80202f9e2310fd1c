"""The frozen split between training and held-out years (scenarios/fits/split.toml).

The file is written before any fit and never changed to choose structure: the calibration reads only rows up to
`train_end`, and every score reports the held-out years after it separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.scenario.load import scenario_dir
from sim.util.errors import ConfigError
from sim.util.tomlfile import read_toml

FILE = "fits/split.toml"


@dataclass(frozen=True)
class Split:
    """The last training year, when it was frozen and why."""

    train_end: int
    frozen: str
    reason: str


def split_path() -> Path:
    return scenario_dir() / FILE


def load_split(path: str | Path | None = None) -> Split:
    """The split file (default: the bundled one); a ConfigError naming the key otherwise."""
    path = Path(path) if path is not None else split_path()
    raw = read_toml(path)
    end = raw.get("train_end")
    if isinstance(end, bool) or not isinstance(end, int) or not 1000 <= end <= 9999:
        raise ConfigError(f"must be a year, got {end!r}", file=path, key="train_end", hint="e.g. train_end = 2013")
    return Split(end, str(raw.get("frozen", "")), str(raw.get("reason", "")).strip())


def train_end() -> int:
    """The last training year of the bundled split: the default of `score` and `calibrate`."""
    return load_split().train_end
