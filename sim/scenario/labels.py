"""Human labels for what figures and tables show: a sweep's parameter paths and its outcomes.

A parameter's label comes from the scenario schema (sim/config.py): the field's pydantic `description`, the
names along its path (the policy, the dyad, the event) and the units below, so `parameters.half_life` reads
"half_life: steps for a departure from baseline to halve (months)" and `policies.usa_pressure.intensity` reads
"usa_pressure intensity: scales the move's weight (x the move's weight)". Only pydantic is imported here.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario import outcome_syntax
from sim.scenario.schema import WORLD_KEYS, Scenario

# Units of the schema's numbers, by field name (a field means the same wherever it appears).
UNITS = {
    "alpha": "log-odds per unit of weighted moves",
    "mu": "log-odds per unit of weighted moves",
    "beta": "log-odds per unit of balance",
    "half_life": "months",
    "calm_half_life": "months",
    "l_max": "log-odds",
    "noise_reduction": "share, 0–1",
    "initial": "probability",
    "low": "probability",
    "high": "probability",
    "baseline": "probability",
    "dependence": "0–1",
    "threshold": "probability",
    "probability": "probability per step",
    "rate": "per month",
    "intensity": "multiplier",
    "weight": "relative weight",
    "goldstein": "Goldstein scale, −10 to 10",
    "credibility": "0–1",
    "calming": "0–1",
    "hostile": "probability",
    "cooperative": "probability",
    "scale": "× the received move",
    "delta": "log-odds",
    "sd": "log-odds",
    "start": "month",
    "end": "month",
    "every": "months",
    "at": "month",
    "steps": "months",
}


@dataclass(frozen=True)
class Label:
    """How to show a number: a short name (tick labels, tables), what it is, and its units."""

    short: str
    description: str = ""
    units: str = ""

    @property
    def long(self) -> str:
        """'short: description (units)', for axis labels and captions."""
        text = f"{self.short}: {self.description}" if self.description else self.short
        return f"{text} ({self.units})" if self.units else text


def _unwrap(annotation: Any) -> Any:
    """X from Annotated[X, ...] and X | None."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif typing.get_origin(annotation) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


def _field(path: str) -> tuple[FieldInfo | None, str, list[str]]:
    """The schema field a path ends in, its name, and the keys along the way (policy name, dyad, ...)."""
    parts = path.split(".")
    if parts[0] in WORLD_KEYS:
        parts = ["world", *parts]
    node: Any = Scenario
    field: FieldInfo | None = None
    name, keys = parts[-1], []
    i = 0
    while i < len(parts):
        part = parts[i]
        if not (isinstance(node, type) and issubclass(node, BaseModel)) or part not in node.model_fields:
            return field, name, keys
        field, name = node.model_fields[part], part
        node = _unwrap(field.annotation)
        i += 1
        while typing.get_origin(node) in (dict, list) and i < len(parts):  # a key or list item: part of the label
            keys.append(parts[i])
            node = _unwrap(typing.get_args(node)[-1])
            i += 1
    return field, name, keys


def parameter(path: str) -> Label:
    """The label of a sweep path (see sim.sweep.paths), from the schema's description of its field."""
    field, name, keys = _field(path)
    description = (field.description or "") if field is not None else ""
    head = path.split(".")[0] if path.split(".")[0] != "world" else path.split(".")[1]
    if head == "parameters" or not keys:
        short = name if head != "reciprocity" else f"reciprocity {name}"
    elif head == "trust":
        short = f"{name} trust {keys[0]}→{keys[1]}"
    elif head == "background":
        short = f"background {keys[0]}→{keys[1]} {keys[2]}"
        name = "probability"
    elif head == "reciprocity":
        short = f"{keys[0]} reciprocity {name}"
    else:  # policies, rules, events, moves: the item's name, then the field
        short = f"{' '.join(keys)} {name}"
    return Label(short, description, UNITS.get(name, ""))


def short(path: str) -> str:
    """The short label of a sweep path: 'alpha', 'initial trust PAK→USA', 'usa_pressure intensity'."""
    return parameter(path).short


OUTCOMES = {
    "alignment": Label("alignment", "Pakistan between the US (0) and China (1)", "0–1"),
    "polarization": Label(
        "polarization", "how sharply the actors split into two camps (signed triad balance)", "−1 to 1"
    ),
}


def outcome(name: str) -> Label:
    """The label of a sweep outcome: trust_PAK_USA -> 'trust PAK → USA', mutual_PAK_USA, alignment, ...; an
    outcome of sim.scenario.outcome_syntax (prob_..., first_..., ..._at_...) as it is written."""
    if name.startswith(("prob_", "first_")) or "_at_" in name:
        asked = outcome_syntax.parse_outcome(name)
        of = outcome(asked.quantity)
        if asked.kind == "prob":
            return Label(asked.label, f"probability, over replications, for {of.short}", "probability")
        if asked.kind == "first":
            return Label(asked.label, f"month {of.short} first crosses {asked.threshold:g}", "month")
        return Label(asked.label, of.description, of.units)
    kind, _, rest = name.partition("_")
    if kind == "trust" and rest:
        obs, tgt = rest.split("_", 1)
        return Label(f"trust {obs} → {tgt}", f"{obs}'s trust in {tgt}", "probability")
    if kind == "mutual" and rest:
        a, b = rest.split("_", 1)
        return Label(f"mutual trust {a}–{b}", "mean of both directions", "probability")
    return OUTCOMES.get(name, Label(name))
