"""A scenario as TOML: the fully resolved file that `load_scenario` reads back as the same scenario."""

from __future__ import annotations

from pathlib import Path

from sim.scenario.schema import Scenario

SCENARIO_FILE = "scenario.toml"


def scenario_toml(scenario: Scenario) -> str:
    """The fully resolved scenario (world embedded as [world]) as TOML; `load_scenario` reads it back as is.

    Run settings come first so the file reads top-down: what, how long, how many, then the world.
    """
    import tomli_w

    data = scenario.model_dump(exclude_none=True)
    first = [k for k in ("name", "description", "evidence", "inferred", "steps", "replications", "seed") if k in data]
    ordered = {k: data[k] for k in first} | {k: v for k, v in data.items() if k not in first}
    header = (
        "# Fully resolved scenario (world embedded). Reproduce with `diplosim run <this file>`\n"
        "# or sim.run(sim.load_scenario('<this file>')).\n"
        f"# Anchors (baselines, status-quo expectations): {scenario.anchors_from}.\n\n"
    )
    return header + tomli_w.dumps(ordered)


def write_scenario(folder: str | Path, scenario: Scenario, name: str = SCENARIO_FILE) -> Path:
    path = Path(folder) / name
    path.write_text(scenario_toml(scenario), encoding="utf-8")
    return path
