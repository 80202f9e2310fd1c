"""A scenario with something changed, validated again as a whole: model parameters, run settings, no moves.

Run settings (steps, replications, seed) given as Python arguments are checked like the command line's options
(sim.util.arguments), so both say the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.scenario.load import validate_raw
from sim.scenario.schema import Parameters, Scenario
from sim.util.arguments import as_whole, at_least_one, seed_range
from sim.util.errors import ConfigError, did_you_mean


def with_parameters(scenario: Scenario, parameters: dict[str, Any]) -> Scenario:
    """The scenario with some model parameters replaced, validated like a config file."""
    if not parameters:
        return scenario
    for key in parameters:
        if key not in Parameters.model_fields:
            raise ConfigError(
                f"unknown parameter '{key}'", key=f"parameters.{key}", hint=did_you_mean(key, Parameters.model_fields)
            )
    raw = scenario.model_dump()
    raw["parameters"].update(parameters)
    return validate_raw(raw, file=f"<{scenario.name} with {parameters}>")


def no_moves(scenario: Scenario) -> Scenario:
    """The scenario without its interventions (policies, its own rules, its events): the reference run.

    Calendar, initial state, run settings and switched-off world behaviour are kept, so the difference between
    a scenario and its no-moves run is what its moves and events did.
    """
    raw = scenario.model_dump()
    raw.update(policies=[], rules=[], events={}, name=f"{scenario.name}-no-moves")
    return validate_raw(raw, file=f"<{scenario.name} without moves>")


def run_settings(steps: Any = None, replications: Any = None, seed: Any = None) -> dict[str, int]:
    """Python arguments steps, replications (a count) and seed checked like the command line's options; the ones
    given, as ints. ConfigError (key = the argument) otherwise."""
    checks = {"steps": at_least_one, "replications": at_least_one, "seed": seed_range}
    out = {}
    for key, value in {"steps": steps, "replications": replications, "seed": seed}.items():
        if value is None:
            continue
        try:
            out[key] = checks[key](as_whole(value))
        except ValueError as exc:
            raise ConfigError(str(exc), key=key) from None
    return out


def apply_settings(
    spec: Scenario, settings: Mapping[str, int | None], source: str | None = None, *, file: str | Path | None = None
) -> Scenario:
    """The scenario with run settings (steps, replications, seed) replaced and re-checked as a whole: an event
    after the new last step is an error like in a file. `source` says where the settings came from, `file` which
    file the scenario was read from (for the message)."""
    overrides = {k: v for k, v in settings.items() if v is not None}
    if all(getattr(spec, k) == v for k, v in overrides.items()):
        return spec
    try:
        return validate_raw(spec.model_dump() | overrides, file=file or f"<scenario {spec.name}>")
    except ConfigError as exc:
        given = source or " ".join(f"--{k} {v}" for k, v in overrides.items())
        raise ConfigError(f"{exc.message} (with {given})", file=exc.file, key=exc.key, hint=exc.hint) from None
