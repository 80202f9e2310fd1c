"""The sweep file's schema (pydantic): the base scenario, what to vary and how, replications, seed, outcomes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sim.runs import outcomes
from sim.scenario.schema import Strict
from sim.sweep import design as designs

Finite = Annotated[float, Field(allow_inf_nan=False)]


class Vary(Strict):
    """One number to vary: grid `values`, or a range (`low`, `high` with `num` or `step`); for sampled designs a
    distribution (uniform or loguniform on [low, high], normal with mean and sd, triangular low-mode-high)."""

    path: str
    values: list[Finite] | None = Field(None, min_length=1)
    low: Finite | None = None
    high: Finite | None = None
    num: int | None = Field(None, ge=1, le=100_000)
    step: Finite | None = Field(None, gt=0)
    distribution: Literal["uniform", "loguniform", "normal", "triangular"] | None = None
    mean: Finite | None = None
    sd: Finite | None = Field(None, gt=0)
    mode: Finite | None = None


class SweepFile(Strict):
    """The sweep file's schema (see scenarios/sweeps/ and the README for examples)."""

    name: str | None = None
    description: str = ""
    scenario: str
    design: designs.Design = "grid"
    samples: int | None = Field(None, ge=1, le=10_000_000)
    levels: int = Field(4, ge=2, le=1000)
    replications: int = Field(100, ge=1, le=10_000_000)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    steps: int | None = Field(None, ge=1, le=100_000)
    last: int = Field(12, ge=1, le=100_000)
    outcomes: list[str] = Field(list(outcomes.DEFAULT), min_length=1)
    chunk: int | None = Field(None, ge=1, le=10_000_000)
    trajectories: bool = False
    vary: list[Vary] = Field(min_length=1)
