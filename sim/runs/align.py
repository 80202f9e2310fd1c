"""Scenarios put side by side for a comparison without changing any of them silently.

A comparison pairs replication r of every scenario on the same random numbers, step by step, so the scenarios
must run with one seed, one number of replications and, step for step, on the same months. Each of these comes
from the caller (the command line's options, or `sim.compare`'s arguments) or, when the scenarios agree, from
them. Calendars are aligned where they can be: scenarios that start in the same month but end in different ones
are compared over the months they all cover, and the comparison says so. Everything else that differs is one
ConfigError saying what differs and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.scenario.schema import Scenario
from sim.scenario.settings import apply_settings
from sim.util import calendar
from sim.util.errors import ConfigError

OPTIONS = {"seed": "--seed S", "replications": "--replications N", "steps": "--steps T"}


@dataclass(frozen=True)
class Aligned:
    """The scenarios with the run settings they will run with, and what was aligned (None when nothing was)."""

    specs: list[Scenario]
    note: str | None = None


def align(
    specs: Sequence[Scenario],
    *,
    steps: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    files: Sequence[str | Path | None] | None = None,
) -> Aligned:
    """The scenarios set to common run settings: each given one, or the one they agree on; steps may also be the
    months every scenario covers (same start, different ends). A ConfigError otherwise."""
    files = list(files) if files is not None else [None] * len(specs)
    settings = {
        "seed": seed if seed is not None else _agreed(specs, "seed"),
        "replications": replications if replications is not None else _agreed(specs, "replications"),
    }
    if steps is not None:
        _one_calendar(specs)
        settings["steps"], note = steps, None
    else:
        settings["steps"], note = _common_months(specs)
    out = []
    for spec, file in zip(specs, files, strict=True):
        changed = [f"{k} = {v}" for k, v in settings.items() if v != getattr(spec, k)]
        source = f"the comparison's {', '.join(changed)}" if changed else None
        out.append(apply_settings(spec, settings, source, file=file))
    return Aligned(out, note)


def _agreed(specs: Sequence[Scenario], key: str) -> int:
    """The value of a run setting that every scenario gives; a ConfigError naming each one's otherwise."""
    values = {spec.name: getattr(spec, key) for spec in specs}
    if len(set(values.values())) == 1:
        return next(iter(values.values()))
    listed = ", ".join(f"{name} {value}" for name, value in values.items())
    raise ConfigError(
        f"the scenarios differ in {key} ({listed}), and a comparison runs them all with one",
        key=key,
        hint=f"choose one: {OPTIONS[key]} (sim.compare: {key}=...)",
    )


def _one_calendar(specs: Sequence[Scenario]) -> str | None:
    """The month of step 1 all scenarios share (None: none of them has a calendar); a ConfigError otherwise."""
    starts = {spec.name: spec.start for spec in specs}
    if len(set(starts.values())) == 1:
        return next(iter(starts.values()))
    dated = {name: start for name, start in starts.items() if start is not None}
    undated = [name for name, start in starts.items() if start is None]
    if undated:
        name, start = next(iter(dated.items()))
        raise ConfigError(
            f"{', '.join(undated)} {'has' if len(undated) == 1 else 'have'} no calendar but {name} starts {start}, "
            "so their months cannot be paired",
            key="start",
            hint=f'give {", ".join(undated)} start = "{start}", or compare scenarios of one world',
        )
    listed = ", ".join(f"{name} starts {start}" for name, start in starts.items())
    first_name, first_start = next(iter(starts.items()))
    later = next(name for name, start in starts.items() if start != first_start)
    raise ConfigError(
        f"{listed}: month 0 differs, so no month pairs up on the same random numbers",
        key="start",
        hint=f'give {later} the start of {first_name} (start = "{first_start}") and date its policies with from = '
        '"YYYY-MM", or compare it with a copy of the others that starts when it does',
    )


def _common_months(specs: Sequence[Scenario]) -> tuple[int, str | None]:
    """Steps over the months every scenario covers, and a note when some scenario is cut short to them."""
    start = _one_calendar(specs)
    lengths = {spec.name: spec.steps for spec in specs}
    steps = min(lengths.values())
    if len(set(lengths.values())) == 1:
        return steps, None
    if start is None:
        listed = ", ".join(f"{name} {n} months" for name, n in lengths.items())
        raise ConfigError(
            f"the scenarios differ in length ({listed}), and a comparison runs them all for one",
            key="steps",
            hint=f"choose one: {OPTIONS['steps']} (sim.compare: steps=...)",
        )
    longer = "; ".join(f"{name} alone runs to {calendar.date_of(n, start)}" for name, n in lengths.items() if n > steps)
    note = f"compared over {calendar.span(1, steps, start)}, the months all of them cover ({longer})"
    return steps, note
