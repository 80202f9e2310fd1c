"""The docs agree with the code: the calibration table with world.toml, README's test command with CI."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import sim
from sim.calibrate import baseline_log_odds

ROOT = Path(__file__).resolve().parents[1]


def test_calibration_table_matches_the_world_file():
    text = (ROOT / "docs" / "MODEL.md").read_text()
    row = r"^\| (\w+) → (\w+) \| ([\d.]+) \| ([\d.]+)–([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (.*) \|$"
    rows = re.findall(row, text, re.M)
    spec = sim.load_scenario("baseline")
    world = spec.world
    baseline = 1 / (1 + np.exp(-baseline_log_odds(spec)))
    index = {code: i for i, code in enumerate(world.actors)}
    assert len(rows) == 12
    for obs, tgt, initial, low, high, dep, base, evidence in rows:
        assert abs(float(base) - baseline[index[obs], index[tgt]]) < 0.011
        dyad = world.trust[obs][tgt]
        assert (float(initial), float(low), float(high), float(dep)) == (
            dyad.initial, dyad.low, dyad.high, dyad.dependence)
        assert re.findall(r"P\d+\.S\d+", evidence.split("*inferred:*")[0]) == dyad.evidence
        assert ("*inferred:*" in evidence) == bool(dyad.inferred)


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = next(line for line in ci.splitlines() if "pytest" in line).strip()
    assert command in readme


def test_readme_scenario_example_is_valid_and_runs(tmp_path):
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"## Writing a scenario.*?```toml\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "world.toml").write_text((ROOT / "scenarios" / "world.toml").read_text())
    path = tmp_path / "example.toml"
    path.write_text(example)
    res = sim.run(path, replications=4, steps=40)
    assert res.events.sel(event="terror_attack_india", step=36).min() >= 1
    threats = res.moves.sel(actor="USA", move="threaten_sanctions")
    assert threats.sel(step=slice(1, 24)).sum() > 0
    assert threats.sel(step=slice(36, None)).sum() == 0  # policy ended at 24; echoes of replies die out
