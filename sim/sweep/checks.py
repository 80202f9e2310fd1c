"""What a sweep will need, checked before any work, so bad input is exit 2 and nothing written, not a folder of
failed points: the run length against the scenario's schedules and `last`, the size of the design against
memory, whole numbers on whole-number paths, and each varied number's extremes validated like a config file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.scenario.load import validate_raw
from sim.scenario.schema import Scenario
from sim.scenario.settings import apply_settings
from sim.sweep.chunks import MAX_BATCH
from sim.sweep.paths import Address, assign
from sim.sweep.schema import SweepFile, Vary
from sim.util import memory
from sim.util.errors import ConfigError

BYTES_PER_CHUNK = 600  # a planned chunk: its object, its point ids, its slice of the design
SMALL_STEP = "use fewer points: a larger step, a smaller num, or fewer samples"


def with_steps(scenario: Scenario, steps: int | None, label: str) -> Scenario:
    """The base scenario with the sweep's `steps`, re-checked (a scheduled event after the last step is an
    error of the sweep file's `steps`, not of every point)."""
    if steps is None:
        return scenario
    try:
        return apply_settings(scenario, {"steps": steps}, f"the sweep's steps = {steps}")
    except ConfigError as exc:
        where = f"scenario '{scenario.name}', key '{exc.key}'" if exc.key else f"scenario '{scenario.name}'"
        raise ConfigError(f"{exc.message}, in {where}", file=label, key="steps", hint=exc.hint) from None


def check_last(last: int, steps: int, label: str) -> None:
    """Outcomes average the last `last` steps of each run: there must be that many."""
    if last > steps:
        raise ConfigError(
            f"last = {last} is more than the {steps} steps of each run",
            file=label,
            key="last",
            hint=f"use last <= {steps}, or raise steps",
        )


def axis_size(v: Vary) -> float:
    """How many values a grid axis has, computed without building it (so a tiny step cannot exhaust memory)."""
    if v.values is not None:
        return len(v.values)
    if v.num is not None:
        return v.num
    if v.low is None or v.high is None or v.step is None:
        return 1  # an incomplete axis: the grid's own checks say what is missing
    count = (v.high - v.low) / v.step
    return math.floor(count * (1 + 1e-12)) + 1 if math.isfinite(count) and count < 1e15 else math.inf


def design_size(config: SweepFile) -> float:
    """The number of points the design will have (inf if beyond counting)."""
    k = len(config.vary)
    if config.design == "grid":
        return math.prod(axis_size(v) for v in config.vary)
    samples = config.samples or 0
    return samples * {"lhs": 1, "mc": 1, "sobol": k + 2, "morris": k + 1}[config.design]


def check_memory(config: SweepFile, outcomes: int, label: str) -> None:
    """Refuse a design whose plan and tables would not fit in memory, before building it.

    The parent holds the design (values and unit-cube points), one planned chunk per block of replications, and
    at the end the table (each point's values and three statistics per outcome) and its CSV text.
    """
    points = design_size(config)
    k = len(config.vary)
    blocks = math.ceil(config.replications / MAX_BATCH)
    need = points * (8 * (4 * k + 6 * outcomes) + 12 * (k + 3 * outcomes) + BYTES_PER_CHUNK * blocks)
    free = memory.available_memory()
    if free is None or need <= free / 2:
        return
    shown = f"{points:,.0f}" if math.isfinite(points) else "uncountably many"
    size = memory.size_text(need) if math.isfinite(need) else "more"
    raise ConfigError(
        f"the design has {shown} points: planning it needs about {size}"
        f" of memory, more than half of the {memory.size_text(free)} free",
        file=label,
        key="vary" if config.design == "grid" else "samples",
        hint=SMALL_STEP,
    )


def whole_values(points: np.ndarray, addresses: Sequence[Address], grid: bool, label: str) -> np.ndarray:
    """Points with whole numbers on whole-number paths (a policy's start, an event's step): a grid must give
    them whole; sampled designs draw real numbers, which are rounded here, so sweep.csv shows what ran."""
    points = points.copy()
    for j, address in enumerate(addresses):
        if not address.integer:
            continue
        column = points[:, j]
        rounded = np.round(column)
        if grid and not np.array_equal(column, rounded):
            bad = column[column != rounded][0]
            raise ConfigError(
                f"'{address.path}' is a whole number, but the grid gives it {bad:g}",
                file=label,
                key=f"vary[{j}]",
                hint="give whole values (with low, high and step, all whole)",
            )
        points[:, j] = rounded
    return points


def check_extremes(base: dict[str, Any], addresses: Sequence[Address], points: np.ndarray, label: str) -> None:
    """Validate the base scenario at the smallest and largest value of each varied number (the others at their
    base values), like a config file: an out-of-range value (an intensity above 10, a start after the last step)
    is bad input now, not a failed point later. Points that fail only in combination are still recorded."""
    for j, address in enumerate(addresses):
        if not len(points):
            return
        for value in sorted({float(points[:, j].min()), float(points[:, j].max())}):
            try:
                validate_raw(assign(base, [address], [value]), file=label)
            except ConfigError as exc:
                key = f"key '{exc.key}': " if exc.key else ""
                raise ConfigError(
                    f"{address.path} = {value:g} does not validate: {key}{exc.message}",
                    file=label,
                    key=f"vary[{j}]",
                    hint=exc.hint or "keep the values within the schema's range",
                ) from None
