"""Designs: which parameter values a sweep runs. Pure functions of the design settings and the seed.

Grids are full factorials (first parameter slowest). Latin hypercube and Monte Carlo draw points in the unit cube
(scipy.stats.qmc, numpy); Sobol (Saltelli's scheme) and Morris (elementary-effect trajectories) come from SALib.
Unit-cube points become parameter values through each parameter's quantile function, so every design shares
the same marginal distributions.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Design = Literal["grid", "lhs", "mc", "sobol", "morris"]


@dataclass(frozen=True)
class Marginal:
    """A parameter's distribution: uniform or loguniform on [low, high], normal (truncated to [low, high] if
    given) or triangular (low, mode, high)."""

    kind: Literal["uniform", "loguniform", "normal", "triangular"]
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None
    mode: float | None = None

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function: unit-interval values to parameter values, never outside [low, high] (rounding
        could otherwise put an end point just past a bound the scenario's schema enforces)."""
        from scipy import stats

        if self.kind == "uniform":
            x = self.low + u * (self.high - self.low)
        elif self.kind == "loguniform":
            x = np.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        elif self.kind == "triangular":
            scale = self.high - self.low
            x = stats.triang.ppf(u, (self.mode - self.low) / scale, loc=self.low, scale=scale)
        else:
            lo = -np.inf if self.low is None else (self.low - self.mean) / self.sd
            hi = np.inf if self.high is None else (self.high - self.mean) / self.sd
            x = stats.truncnorm.ppf(u, lo, hi, loc=self.mean, scale=self.sd)
        return np.clip(x, self.low if self.low is not None else -np.inf, self.high if self.high is not None else np.inf)

    @property
    def bounded(self) -> bool:
        return self.kind != "normal" or (self.low is not None and self.high is not None)


def grid(axes: Sequence[Sequence[float]]) -> np.ndarray:
    """The full factorial [points, parameters] of the given values, the first parameter varying slowest."""
    return np.array(list(itertools.product(*axes)), dtype=np.float64).reshape(-1, len(axes))


def axis(low: float, high: float, num: int | None = None, step: float | None = None) -> list[float]:
    """Evenly spaced values from low to high inclusive: `num` of them, or `step` apart (high kept if on the step)."""
    if num is not None:
        return [float(v) for v in np.linspace(low, high, num)]
    count = math.floor((high - low) / step * (1 + 1e-12)) + 1
    return [min(float(low + i * step), high) for i in range(count)]


def problem(names: Sequence[str]) -> dict:
    """A SALib problem on the unit cube (values are mapped through each marginal afterwards)."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def unit_points(design: Design, k: int, samples: int, seed: int, *, levels: int = 4) -> np.ndarray:
    """Points [P, k] in the unit cube for a sampled design (P = samples for lhs and mc; Saltelli's
    samples * (k + 2) for sobol; samples * (k + 1) for morris)."""
    if design == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=k, rng=np.random.default_rng(seed)).random(samples)
    if design == "mc":
        return np.random.default_rng(seed).random((samples, k))
    names = [f"x{i}" for i in range(k)]
    if design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem(names), samples, calc_second_order=False, seed=seed)
    if design == "morris":
        from SALib.sample import morris

        return morris.sample(problem(names), samples, num_levels=levels, seed=seed)
    raise ValueError(f"not a sampled design: {design}")


def parameter_values(unit: np.ndarray, marginals: Sequence[Marginal]) -> np.ndarray:
    """Map unit-cube points [P, k] to parameter values through each column's marginal."""
    return np.column_stack([m.ppf(unit[:, j]) for j, m in enumerate(marginals)]) if len(unit) else unit
