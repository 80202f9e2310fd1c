"""The docs agree with the code: the calibration table with world.toml, README's test command with CI, and the
examples of the docs' pages (the scenario file, the Python blocks) run as written."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import sim
from sim.core.calibration import anchors_for

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_calibration_table_matches_the_world_file():
    text = (ROOT / "docs" / "MODEL.md").read_text()
    row = r"^\| (\w+) → (\w+) \| ([\d.]+) \| ([\d.]+)–([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (.*) \|$"
    rows = re.findall(row, text, re.M)
    spec = sim.load_scenario("baseline")
    world = spec.world
    baseline = 1 / (1 + np.exp(-anchors_for(spec).baseline))
    index = {code: i for i, code in enumerate(world.actors)}
    assert len(rows) == 12
    for obs, tgt, initial, low, high, dep, base, evidence in rows:
        assert abs(float(base) - baseline[index[obs], index[tgt]]) < 0.011
        dyad = world.trust[obs][tgt]
        assert (float(initial), float(low), float(high), float(dep)) == (
            dyad.initial,
            dyad.low,
            dyad.high,
            dyad.dependence,
        )
        assert re.findall(r"P\d+\.S\d+", evidence.split("*inferred:*")[0]) == dyad.evidence
        assert ("*inferred:*" in evidence) == bool(dyad.inferred)


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = next(line for line in ci.splitlines() if "pytest" in line).strip()
    assert command in readme


def test_scenario_reference_example_is_valid_and_runs(tmp_path):
    page = (ROOT / "docs" / "scenarios.md").read_text()
    example = re.search(r"## Writing a scenario.*?```toml\n(.*?)```", page, re.S).group(1)
    (tmp_path / "world.toml").write_text((ROOT / "scenarios" / "world.toml").read_text())
    path = tmp_path / "example.toml"
    path.write_text(example)
    res = sim.run(path, replications=4, steps=40)
    assert res.events.sel(event="terror_attack_india", step=36).min() >= 1
    threats = res.moves.sel(actor="USA", move="threaten_sanctions")
    assert threats.sel(step=slice(1, 24)).sum() > 0
    assert threats.sel(step=slice(36, None)).sum() == 0  # policy ended at 24; echoes of replies die out


def test_python_examples_of_the_docs_run(tmp_path, monkeypatch):
    """The Python blocks of README and the docs' pages (API, notebook, Mesa, SolaraViz) run as written; the
    sweep blocks are left out (they run sweeps with several workers; test_sweep covers sim.sweep)."""
    blocks = [
        (page.name, block)
        for page in PAGES
        for block in re.findall(r"```python\n(.*?)```", page.read_text(), re.S)
        if "sim.sweep" not in block
    ]
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)  # the examples write run.nc into the working folder
    defined: dict = {}
    for name, block in blocks:
        namespace: dict = {}
        exec(compile(block, name, "exec"), namespace)
        defined.update(namespace)
    assert (tmp_path / "run.nc").is_file()
    assert len(defined["rows"]) == 6 and "trust_PAK_USA" in defined["rows"][0]
