"""Sweep files -> a validated `Sweep` (schema: sim.sweep.schema): the base scenario, what varies, the points.

A sweep file names a base scenario, the numbers to vary (dotted paths, see sim.sweep.paths) and how (a grid of
values or ranges; distributions for Latin hypercube, Monte Carlo, Sobol and Morris designs), the replications
per point, one seed for the whole sweep (common random numbers across points) and the outcomes. Errors name the
file, the key and a hint, like scenario errors.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from sim.runs import outcomes
from sim.scenario.kinds import is_sweep
from sim.scenario.load import load_scenario
from sim.scenario.messages import error_from_pydantic
from sim.scenario.schema import Scenario
from sim.sweep import checks
from sim.sweep import design as designs
from sim.sweep.paths import Address, prepare, resolve_paths
from sim.sweep.schema import SweepFile, Vary
from sim.util.errors import ConfigError, did_you_mean
from sim.util.names import check_name
from sim.util.tomlfile import check_not_empty, read_toml


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: its settings, the base scenario, what varies and every point's values."""

    file: Path | None
    config: SweepFile
    scenario: Scenario
    base: dict[str, Any]
    addresses: list[Address]
    outcomes: list[str]
    unit: np.ndarray | None
    points: np.ndarray

    @property
    def name(self) -> str:
        return self.config.name or (self.file.stem if self.file else "sweep")

    @property
    def parameters(self) -> list[str]:
        return [a.path for a in self.addresses]

    @property
    def seed(self) -> int:
        return self.scenario.seed if self.config.seed is None else self.config.seed

    @property
    def replications(self) -> int:
        return self.config.replications

    def fingerprint(self) -> str:
        """A digest of everything that decides the numbers (not how they are computed), to guard --resume."""
        from sim.util.version import __version__

        settings = self.config.model_dump(exclude={"description", "name", "scenario"})
        settings.update(seed=self.seed, steps=self.scenario.steps)  # as resolved, so sweep.toml matches its source
        text = json.dumps([__version__, settings, self.base], sort_keys=True)
        digest = hashlib.sha256(text.encode())
        digest.update(np.ascontiguousarray(self.points).tobytes())
        return digest.hexdigest()


def load_sweep(source: str | Path | dict[str, Any], base_dir: str | Path | None = None) -> Sweep:
    """Read and validate a sweep from a TOML file or a mapping (relative scenario paths from `base_dir`)."""
    if isinstance(source, dict):
        file, raw, folder = None, source, Path(base_dir or ".")
    else:
        file = Path(source)
        if not file.is_file():
            raise ConfigError("no such sweep file", file=file, hint="check the path, e.g. scenarios/sweeps/*.toml")
        raw, folder = read_toml(file), file.parent
        check_not_empty(raw, file, "a sweep")
        if not is_sweep(raw):
            raise ConfigError(
                "is a scenario file, not a sweep",
                file=file,
                hint=f'run it with `diplosim run {file}`, or name it in a sweep file: scenario = "{file.name}"',
            )
    label = str(file) if file else "<sweep>"
    try:
        config = SweepFile.model_validate(raw)
    except ValidationError as exc:
        raise error_from_pydantic(
            exc, lambda loc: label, root=SweepFile, missing_hint="see scenarios/sweeps/ for examples"
        ) from None
    check_name(config.name if config.name is not None else (file.stem if file else "sweep"), file=label)
    scenario = _base_scenario(config, folder, label)
    keys = [f"vary[{i}].path" for i in range(len(config.vary))]
    addresses = resolve_paths(scenario.model_dump(), [v.path for v in config.vary], file=label, keys=keys)
    names = _outcomes(config.outcomes, scenario, label)
    checks.check_memory(config, len(names), label)
    seed = scenario.seed if config.seed is None else config.seed
    unit, points = _points(config, label, seed)
    points = checks.whole_values(points, addresses, config.design == "grid", label)
    base = prepare(scenario.model_dump(), addresses)
    checks.check_extremes(base, addresses, points, label)
    if "last" in config.model_fields_set:  # the default (12) means "up to 12", as for a run's final trust
        steps = [points[:, j] for j, a in enumerate(addresses) if a.loc == ("steps",)]
        checks.check_last(config.last, int(min(steps[0])) if steps else scenario.steps, label)
    return Sweep(file, config, scenario, base, addresses, names, unit, points)


def _base_scenario(config: SweepFile, folder: Path, label: str) -> Scenario:
    """The base scenario (a name, or a path relative to the sweep file) with the sweep's steps."""
    ref = config.scenario
    is_path = ref.endswith(".toml") or "/" in ref
    try:
        scenario = load_scenario(folder / ref if is_path else ref)
    except ConfigError as exc:
        if exc.file is None or not Path(exc.file).is_file():
            raise ConfigError(exc.message, file=label, key="scenario", hint=exc.hint) from None
        raise
    return checks.with_steps(scenario, config.steps, label)


def _outcomes(requested: list[str], scenario: Scenario, label: str) -> list[str]:
    """The outcome names of the sweep: groups (trust, mutual) expanded, expressions such as
    "P(PAK->USA < 0.2 by 2030-12)" as their names (sim.scenario.outcome_syntax), each checked against the base
    scenario's actors and months."""
    known = outcomes.catalogue(scenario.actors)
    out: list[str] = []
    for i, name in enumerate(requested):
        if name in known:
            out.extend(n for n in known[name] if n not in out)
            continue
        try:
            asked = outcomes.resolve_outcome(
                name, scenario.actors, scenario.start, scenario.steps, key=f"outcomes[{i}]"
            )
        except ConfigError as exc:
            plain = "(" not in name and " at " not in name and "_at_" not in name  # a final value, by name
            raise ConfigError(
                f"unknown outcome '{name}'" if plain or "is not an outcome" in exc.message else exc.message,
                file=label,
                key=f"outcomes[{i}]",
                hint=(did_you_mean(name, known) if plain else None) or exc.hint,
            ) from None
        if asked.name not in out:
            out.append(asked.name)
    return out


def _points(config: SweepFile, label: str, seed: int) -> tuple[np.ndarray | None, np.ndarray]:
    """The design's points [P, k] (and, for sampled designs, the unit-cube points they came from)."""
    if config.design == "grid":
        if config.samples is not None:
            raise ConfigError("a grid takes no samples", file=label, key="samples", hint="remove it, or pick lhs/mc")
        axes = [_axis(v, i, label) for i, v in enumerate(config.vary)]
        return None, designs.grid(axes)
    if config.samples is None:
        raise ConfigError(
            f"design '{config.design}' needs samples", file=label, key="samples", hint=_samples_hint(config)
        )
    if config.design == "sobol" and config.samples & (config.samples - 1):
        below = 2 ** int(math.log2(config.samples))
        raise ConfigError(
            f"Sobol samples must be a power of 2 (got {config.samples})",
            file=label,
            key="samples",
            hint=f"use {below} or {2 * below}",
        )
    if config.design in ("sobol", "morris") and len(config.vary) < 2:
        raise ConfigError("sensitivity analysis needs at least two numbers to vary", file=label, key="vary")
    marginals = [_marginal(v, i, label, config.design) for i, v in enumerate(config.vary)]
    unit = designs.unit_points(
        config.design,
        len(marginals),
        config.samples,
        seed,
        levels=config.levels,
    )
    return unit, designs.parameter_values(unit, marginals)


def _samples_hint(config: SweepFile) -> str:
    return {
        "lhs": "samples = number of points, e.g. 64",
        "mc": "samples = number of points, e.g. 64",
        "sobol": "samples = N, a power of 2; the design has N * (k + 2) points",
        "morris": "samples = number of trajectories, e.g. 20; the design has samples * (k + 1) points",
    }[config.design]


def _axis(v: Vary, i: int, label: str) -> list[float]:
    key = f"vary[{i}]"
    if v.distribution is not None or v.mean is not None or v.sd is not None or v.mode is not None:
        raise ConfigError(
            "a grid takes values or a range, not a distribution",
            file=label,
            key=key,
            hint="give values = [...] or low, high and num (or step); or a sampled design (lhs, mc, sobol, morris)",
        )
    if v.values is not None:
        if any(x is not None for x in (v.low, v.high, v.num, v.step)):
            raise ConfigError("give values or a range, not both", file=label, key=key)
        return list(v.values)
    if v.low is None or v.high is None or (v.num is None) == (v.step is None):
        raise ConfigError(
            "a grid needs values = [...], or low and high with either num or step",
            file=label,
            key=key,
            hint="e.g. low = 0.0, high = 1.0, num = 11",
        )
    if v.high < v.low:
        raise ConfigError(f"high ({v.high}) is below low ({v.low})", file=label, key=f"{key}.high")
    return designs.axis(v.low, v.high, v.num, v.step)


def _marginal(v: Vary, i: int, label: str, kind: str) -> designs.Marginal:
    key = f"vary[{i}]"
    if v.values is not None or v.num is not None or v.step is not None:
        raise ConfigError(
            f"design '{kind}' samples from a distribution; values, num and step are for grids",
            file=label,
            key=key,
            hint="give low and high (uniform), or distribution = 'normal' with mean and sd",
        )
    dist = v.distribution or "uniform"
    needs = {"uniform": ("low", "high"), "loguniform": ("low", "high"), "normal": ("mean", "sd")}
    needs["triangular"] = ("low", "mode", "high")
    missing = [n for n in needs[dist] if getattr(v, n) is None]
    if missing:
        raise ConfigError(f"a {dist} distribution needs {' and '.join(missing)}", file=label, key=key)
    if v.low is not None and v.high is not None and not v.low < v.high:
        raise ConfigError(f"need low < high, got {v.low} and {v.high}", file=label, key=key)
    if dist == "loguniform" and v.low <= 0:
        raise ConfigError("a loguniform distribution needs low > 0", file=label, key=f"{key}.low")
    if dist == "triangular" and not v.low <= v.mode <= v.high:
        raise ConfigError("need low <= mode <= high", file=label, key=f"{key}.mode")
    m = designs.Marginal(dist, v.low, v.high, v.mean, v.sd, v.mode)
    if kind == "morris" and not m.bounded:
        raise ConfigError(
            "Morris levels include the ends of each range, so a normal distribution needs low and high",
            file=label,
            key=key,
            hint="add low and high (truncation), or use a uniform distribution",
        )
    return m
