"""What a user sets on the dashboard, as pure values: the two scenarios compared, the changes made to the second,
and the run settings; and the ranges the controls offer.

A `Draft` is the page's controls at one moment. The comparison is a scenario as loaded with the page's changes
(policies switched off, removed, added or retuned; model parameters), or the reference itself so changed (a
variant); the reference is a scenario as loaded, or the status quo of the comparison. Changes apply to the
comparison only, so their effect is the difference. `resolve` turns a draft into the two scenarios, validated like
a file, so the page reports exactly the one-line errors the command line gives. Ranges are read from the pydantic
schema, never restated here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from sim.app.sources import Loaded
from sim.scenario.dyads import dyads, label
from sim.scenario.essay import SENTENCES
from sim.scenario.load import validate_raw
from sim.scenario.schema import Parameters, Policy, Scenario
from sim.util.errors import ConfigError
from sim.util.errors import error_line as error_line  # the page shows the command line's one line
from sim.util.names import MAX_NAME

DEFAULT_REPLICATIONS = 200  # enough for stable medians and bands, small enough for sub-second updates
REFERENCE = "status_quo"
VARIANT = "_variant"  # added to the name of a changed scenario, or of a scenario compared with itself
ON_PAGE = "as set on the page"
ARROW = " → "


@dataclass(frozen=True)
class DocumentedRange:
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
        low = _number(self.low) if self.low_inclusive else f"above {_number(self.low)}"
        high = _number(self.high) if self.high_inclusive else f"below {_number(self.high)}"
        return f"{low} to {high}" if self.low_inclusive and self.high_inclusive else f"{low}, up to {high}"


def _number(x: float) -> str:
    """1,000,000 rather than 1e+06; 0.5 as 0.5."""
    return f"{x:,.0f}" if x == int(x) else f"{x:,g}"


def field_range(model: type[BaseModel], name: str) -> DocumentedRange:
    """The bounds pydantic enforces on `model.name` (ge/gt/le/lt), with the field's description."""
    field = model.model_fields[name]
    bounds: dict[str, Any] = {"low": -math.inf, "high": math.inf, "description": field.description or ""}
    for rule in field.metadata:
        if isinstance(rule, Ge | Gt):
            bounds.update(low=float(getattr(rule, "ge", getattr(rule, "gt", 0))), low_inclusive=isinstance(rule, Ge))
        elif isinstance(rule, Le | Lt):
            bounds.update(high=float(getattr(rule, "le", getattr(rule, "lt", 0))), high_inclusive=isinstance(rule, Le))
    return DocumentedRange(**bounds)


PARAMETERS: dict[str, DocumentedRange] = {name: field_range(Parameters, name) for name in Parameters.model_fields}
PROBABILITY = field_range(Policy, "probability")
INTENSITY = field_range(Policy, "intensity")
STEPS = field_range(Scenario, "steps")
REPLICATIONS = field_range(Scenario, "replications")


@dataclass(frozen=True)
class PolicySetting:
    """One policy of the comparison as set on the page: included or switched off, and the policy itself."""

    on: bool
    policy: Policy


@dataclass(frozen=True)
class Draft:
    """Everything the page's controls say. `reference` None is the comparison's status quo; `comparison` None is
    the reference with the page's changes (a variant). `policies` and `parameters` are the comparison's."""

    reference: Loaded | None
    comparison: Loaded | None
    policies: tuple[PolicySetting, ...]
    parameters: Mapping[str, float]
    steps: int
    replications: int
    seed: int

    @classmethod
    def start(cls, loaded: Loaded) -> Draft:
        """A scenario against its status quo, as `diplosim app SCENARIO` opens."""
        return cls(None, loaded, *_changes_of(loaded), *_run_of(loaded))

    @property
    def base(self) -> Loaded:
        """The scenario the changes apply to: the comparison, or for a variant the reference."""
        base = self.comparison or self.reference
        assert base is not None, "a draft compares at least one loaded scenario"
        return base

    def with_reference(self, reference: Loaded | None) -> Draft:
        """Another reference; a variant starts again from it (its changes and run settings). The status quo
        (None) of a variant is the status quo of the scenario it varies, which becomes the comparison."""
        if reference is None and self.comparison is None:
            return replace(self, reference=None, comparison=self.reference).reset()
        draft = replace(self, reference=reference)
        return draft if self.comparison is not None else draft.reset()

    def with_comparison(self, comparison: Loaded | None) -> Draft:
        """Another comparison, with its own policies and run settings. A variant (None) of the status quo is a
        variant of the scenario compared so far, which becomes the reference."""
        if comparison is None and self.reference is None:
            return replace(self, reference=self.comparison, comparison=None).reset()
        return replace(self, comparison=comparison).reset()

    def reset(self) -> Draft:
        """The base scenario's own policies, parameters and run settings: no changes."""
        policies, parameters = _changes_of(self.base)
        steps, replications, seed = _run_of(self.base)
        return replace(
            self, policies=policies, parameters=parameters, steps=steps, replications=replications, seed=seed
        )

    def with_policy(self, index: int, **changes: Any) -> Draft:
        """Switch a policy on or off (`on=`) or change its fields (probability=, intensity=)."""
        old = self.policies[index]
        on = changes.pop("on", old.on)
        new = PolicySetting(on, old.policy.model_copy(update=changes))
        return replace(self, policies=(*self.policies[:index], new, *self.policies[index + 1 :]))

    def without_policy(self, index: int) -> Draft:
        return replace(self, policies=self.policies[:index] + self.policies[index + 1 :])

    def with_added(self, policy: Policy) -> Draft:
        return replace(self, policies=(*self.policies, PolicySetting(True, policy)))

    def with_parameter(self, name: str, value: float) -> Draft:
        return replace(self, parameters={**self.parameters, name: value})

    def with_run(self, **settings: int) -> Draft:
        """Months, replications or seed (for both scenarios, on the same random numbers)."""
        return replace(self, **settings)

    @property
    def changed(self) -> bool:
        """Whether the comparison differs from its base scenario as loaded."""
        return (self.policies, dict(self.parameters)) != _changes_of(self.base)


def _changes_of(loaded: Loaded) -> tuple[tuple[PolicySetting, ...], dict[str, float]]:
    spec = loaded.spec
    return tuple(PolicySetting(True, p) for p in spec.policies), spec.parameters.model_dump()


def _run_of(loaded: Loaded, replications: int = DEFAULT_REPLICATIONS) -> tuple[int, int, int]:
    """The scenario's months and seed, and at most `replications` replications (quick updates)."""
    spec = loaded.spec
    return spec.steps, min(spec.replications, replications), spec.seed


def resolve_draft(draft: Draft) -> tuple[Scenario, Scenario]:
    """The reference and the comparison the draft describes, validated; run settings are applied when they run."""
    base = draft.base
    comparison = changed(base, draft, variant_name(draft))
    reference = status_quo(base.spec) if draft.reference is None else draft.reference.spec
    return reference, comparison


def variant_name(draft: Draft) -> str:
    """The base scenario's name; with `_variant` added (shortened to fit) when it is changed or compared with
    itself."""
    name = draft.base.spec.name
    itself = draft.comparison is None or draft.comparison == draft.reference
    return f"{name[: MAX_NAME - len(VARIANT)]}{VARIANT}" if draft.changed or itself else name


def changed(base: Loaded, draft: Draft, name: str) -> Scenario:
    """The base scenario with the draft's policies and parameters, validated like a file; switched-off policies
    are left out. Errors are the command line's (file, key, message, hint) with "(as set on the page)" added, and
    policy indices in keys count every policy, as the page lists them."""
    raw = base.spec.model_dump()
    raw.update(name=name, parameters={**raw["parameters"], **draft.parameters})
    raw["policies"] = [s.policy.model_dump() for s in draft.policies]
    try:
        validate_raw(raw, file=base.source)  # with every policy, so that keys name the policy as the page shows it
        raw["policies"] = [p for p, s in zip(raw["policies"], draft.policies, strict=True) if s.on]
        return validate_raw(raw, file=base.source)
    except ConfigError as exc:
        raise on_page(exc) from None


def on_page(exc: ConfigError) -> ConfigError:
    """The error with "(as set on the page)" added to its message."""
    return ConfigError(f"{exc.message} ({ON_PAGE})", file=exc.file, key=exc.key, hint=exc.hint)


def status_quo(scenario: Scenario) -> Scenario:
    """The reference: the same world, parameters and run settings with no policies, added rules or event changes.

    For a bundled scenario this is the `baseline` scenario. Run on the same seed and replications, the two share
    every random stream, so their difference is the interventions' effect.
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


def sentences(ids: Sequence[str]) -> list[tuple[str, str]]:
    """Essay sentences by id (P4.S2 ...), in the order given."""
    return [(sid, SENTENCES[sid]) for sid in ids if sid in SENTENCES]


def dyad_labels(actors: Sequence[str]) -> list[str]:
    """Every directed dyad as the page shows it ('PAK → USA')."""
    return [label(o, t, ARROW) for o, t in dyads(actors)]


def default_dyads(actors: Sequence[str]) -> list[str]:
    """The first actor's trust in the second and third, and the second's in the first (PAK-USA both ways,
    PAK -> CHN in the essay's world)."""
    first, *others = actors
    picks = [(first, others[0]), (others[0], first), *((first, o) for o in others[1:2])]
    return [label(o, t, ARROW) for o, t in picks]
