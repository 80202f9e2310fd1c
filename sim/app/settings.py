"""What the dashboard lets a user change (policies, model parameters, run settings) as pure functions.

Ranges are read from the pydantic schema in sim.scenario.schema, never restated here. Edits are applied to the
resolved scenario and validated like a config file (sim.scenario.load.validate_raw), so the page reports exactly the
one-line errors the command line gives (sim.util.errors.error_line).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from sim.scenario.dyads import dyads, label, split
from sim.scenario.essay import SENTENCES
from sim.scenario.load import scenario_from_bytes, validate_raw
from sim.scenario.schema import Parameters, Policy, Scenario
from sim.util.errors import ConfigError
from sim.util.errors import error_line as error_line  # the page shows the command line's one line

DEFAULT_REPLICATIONS = 200  # enough for stable medians and bands, small enough for sub-second updates
REFERENCE = "status_quo"
ON_PAGE = "as set on the page"


@dataclass(frozen=True)
class Range:
    """A number's documented range (bounds inclusive or not) and its description, from the schema."""

    low: float
    high: float
    low_inclusive: bool = True
    high_inclusive: bool = True
    description: str = ""

    @property
    def slider(self) -> bool:
        """Narrow ranges get a slider; wide ones (half-lives up to 100,000 steps) a number field."""
        return self.high - self.low <= 10

    @property
    def step(self) -> float:
        """About a hundredth of the range, rounded down to a power of ten (0-1: 0.01, 0-10: 0.1)."""
        return 10.0 ** math.floor(math.log10((self.high - self.low) / 100))

    @property
    def slider_min(self) -> float:
        return self.low if self.low_inclusive else self.low + self.step

    @property
    def slider_max(self) -> float:
        return self.high if self.high_inclusive else self.high - self.step

    def text(self) -> str:
        """The range in words, e.g. '0 to 5' or 'above 0, up to 10'."""
        low = f"{self.low:,g}" if self.low_inclusive else f"above {self.low:,g}"
        high = f"{self.high:,g}" if self.high_inclusive else f"below {self.high:,g}"
        return f"{low} to {high}" if self.low_inclusive and self.high_inclusive else f"{low}, up to {high}"


def field_range(model: type[BaseModel], name: str) -> Range:
    """The bounds pydantic enforces on `model.name` (ge/gt/le/lt), with the field's description."""
    field = model.model_fields[name]
    bounds: dict[str, Any] = {"low": -math.inf, "high": math.inf, "description": field.description or ""}
    for rule in field.metadata:
        if isinstance(rule, Ge | Gt):
            bounds.update(low=float(getattr(rule, "ge", getattr(rule, "gt", 0))), low_inclusive=isinstance(rule, Ge))
        elif isinstance(rule, Le | Lt):
            bounds.update(high=float(getattr(rule, "le", getattr(rule, "lt", 0))), high_inclusive=isinstance(rule, Le))
    return Range(**bounds)


PARAMETERS: dict[str, Range] = {name: field_range(Parameters, name) for name in Parameters.model_fields}
PROBABILITY = field_range(Policy, "probability")
INTENSITY = field_range(Policy, "intensity")
STEPS = field_range(Scenario, "steps")
REPLICATIONS = field_range(Scenario, "replications")


@dataclass(frozen=True)
class PolicySetting:
    """One policy as set on the page: on or off, with its probability per step and its intensity."""

    on: bool
    probability: float
    intensity: float


@dataclass(frozen=True)
class Settings:
    """Everything the page changes in a scenario."""

    policies: tuple[PolicySetting, ...]
    parameters: Mapping[str, float]
    steps: int
    replications: int
    seed: int

    @classmethod
    def of(cls, spec: Scenario, replications: int = DEFAULT_REPLICATIONS) -> Settings:
        """The scenario's own values (every policy on), with at most `replications` replications."""
        return cls(
            policies=tuple(PolicySetting(True, p.probability, p.intensity) for p in spec.policies),
            parameters=spec.parameters.model_dump(),
            steps=spec.steps,
            replications=min(spec.replications, replications),
            seed=spec.seed,
        )

    def with_policy(self, index: int, **changes: Any) -> Settings:
        policies = list(self.policies)
        policies[index] = replace(policies[index], **changes)
        return replace(self, policies=tuple(policies))

    def with_parameter(self, name: str, value: float) -> Settings:
        return replace(self, parameters={**self.parameters, name: value})


def apply(spec: Scenario, settings: Settings, source: str | Path) -> Scenario:
    """The scenario with the page's settings, validated like a file; policies switched off are left out.

    Errors are the command line's (file, key, message, hint) with "(as set on the page)" added, and policy
    indices in keys count every policy, as on the page and in the file.
    """
    raw = spec.model_dump()
    raw["policies"] = [
        {**policy, "probability": s.probability, "intensity": s.intensity}
        for policy, s in zip(raw["policies"], settings.policies, strict=True)
    ]
    raw["parameters"] = {**raw["parameters"], **settings.parameters}
    raw.update(steps=settings.steps, replications=settings.replications, seed=settings.seed)
    try:
        validate_raw(raw, file=source)  # with every policy, so that keys name the policy as the page shows it
        raw["policies"] = [p for p, s in zip(raw["policies"], settings.policies, strict=True) if s.on]
        return validate_raw(raw, file=source)
    except ConfigError as exc:
        raise ConfigError(f"{exc.message} ({ON_PAGE})", file=exc.file, key=exc.key, hint=exc.hint) from None


def status_quo(scenario: Scenario) -> Scenario:
    """The reference: the same world, parameters and run settings with no policies, added rules or event changes.

    For a bundled scenario this is the `baseline` scenario with the page's parameters. Run on the same seed and
    replications, the two share every random stream, so their difference is the interventions' effect.
    """
    name = REFERENCE if scenario.name != REFERENCE else f"{REFERENCE}_reference"
    return scenario.model_copy(
        update={
            "name": name,
            "description": f"The status quo of {scenario.name}'s world: no policies, added rules or event changes.",
            "evidence": [],
            "inferred": None,
            "policies": [],
            "rules": [],
            "events": {},
        }
    )


def load_upload(filename: str, data: bytes) -> Scenario:
    """A scenario file uploaded through the page, read in memory exactly like one on disk (with the bundled world
    file, or a world table of its own: it names no file of the server); errors name the uploaded file."""
    return scenario_from_bytes(data, filename)


def sentences(ids: Sequence[str]) -> list[tuple[str, str]]:
    """Essay sentences by id (P4.S2 ...), in the order given."""
    return [(sid, SENTENCES[sid]) for sid in ids if sid in SENTENCES]


def dyad_label(observer: str, target: str) -> str:
    """'PAK → USA', as the page lists dyads."""
    return label(observer, target, " → ")


def parse_dyad(text: str) -> tuple[str, str]:
    """A dyad the page listed, back as (observer, target)."""
    pair = split(text)
    if pair is None:
        raise ValueError(f"{text!r} is not a dyad the page lists")
    return pair


def all_dyads(actors: Sequence[str]) -> list[str]:
    """Every directed dyad of the actors, in the one order (sim.scenario.dyads)."""
    return [dyad_label(o, t) for o, t in dyads(actors)]


def default_dyads(actors: Sequence[str]) -> list[str]:
    """The first actor's trust in the second and third, and the second's in the first (PAK-USA both ways,
    PAK -> CHN in the essay's world)."""
    first, *others = actors
    picks = [(first, others[0]), (others[0], first), *((first, o) for o in others[1:2])]
    return [dyad_label(o, t) for o, t in picks]


def policy_label(policy: Policy, index: int) -> str:
    """'usa_pressure: USA pressure → PAK, months 1-24, every 2'."""
    months = f"from month {policy.start}" if policy.end is None else f"months {policy.start}-{policy.end}"
    every = f", every {policy.every} months" if policy.every > 1 else ""
    name = policy.name or f"policy {index + 1}"
    return f"{name}: {policy.actor} {policy.move.replace('_', ' ')} → {policy.target}, {months}{every}"
