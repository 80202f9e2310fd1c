"""Checks made before a run or a comparison starts: does it fit in memory, can these scenarios be compared.

Each check ends in one ConfigError (what, a hint), made once where the request enters (the command line or the
Python API) and trusted below.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.core.recording import state_bytes
from sim.scenario.schema import Scenario
from sim.util import memory
from sim.util.errors import ConfigError
from sim.util.names import MAX_NAME

# A comparison folder holds these beside one sub-folder per scenario; a scenario may not take their names.
COMPARISON_ENTRIES = ("plots", "comparison.csv", "comparison_steps.csv", "manifest.json")


def check_run_memory(spec: Scenario, replications: int, scenarios: int = 1) -> None:
    """Refuse a run (or a comparison of `scenarios` runs) whose trajectories would not fit in the free memory.

    Every replication's trajectory is kept compactly (sim.recording): trust (float32, N x N), moves and events as
    small counts, per step; tables and summaries work on a bounded block of it at a time.
    """
    n, k, e = len(spec.world.actors), len(spec.world.moves), len(spec.all_events())
    need = scenarios * replications * (spec.steps + 1) * state_bytes(n, k, e)
    free = memory.available_memory()
    if free is not None and need > free:
        runs = f"{scenarios} runs of " if scenarios > 1 else ""
        raise ConfigError(
            f"{runs}{replications:,} replications x {spec.steps + 1:,} months of {spec.name} need about "
            f"{memory.size_text(need)} of memory, more than the {memory.size_text(free)} free",
            hint="use fewer replications or steps, or run them as a sweep (which keeps only each replication's "
            "outcomes, chunk by chunk)",
        )


def check_comparable(specs: Sequence[Scenario], files: Sequence[str | Path | None] | None = None) -> None:
    """Scenarios that can be compared: at least two, distinct names, the same actors, and (for the folder a
    comparison writes) no name that is one of the comparison's own files."""
    files = list(files) if files is not None else [None] * len(specs)
    if len(specs) < 2:
        raise ConfigError("give at least two scenarios (the first is the reference)")
    first, seen = specs[0], set()
    for spec, file in zip(specs, files, strict=True):
        if spec.name in seen:
            raise ConfigError(f"scenario '{spec.name}' is given twice", hint="compare different scenarios")
        seen.add(spec.name)
        if spec.name.lower() in COMPARISON_ENTRIES:
            raise ConfigError(
                f"a scenario named '{spec.name}' would collide with the comparison's own '{spec.name}'",
                file=file,
                key="name",
                hint=f'rename it, e.g. name = "{spec.name}_scenario"',
            )
        if set(spec.actors) != set(first.actors):
            raise ConfigError(
                f"scenario '{spec.name}' has actors {', '.join(spec.actors)} but '{first.name}' has "
                f"{', '.join(first.actors)}; a comparison needs the same actors",
                file=file,
                hint="compare scenarios of the same world",
            )


def comparison_name(names: Sequence[str]) -> str:
    """The default folder name of a comparison, `A_vs_B_vs_C`, shortened when it would be too long."""
    joined = "_vs_".join(names)
    return joined if len(joined) <= MAX_NAME else f"{names[0]}_vs_{len(names) - 1}_others"
