"""Structure: calibration beside the engine without an import cycle, and Mesa's conventions for `rng=None`."""

from __future__ import annotations

import subprocess
import sys

import mesa
import pytest

import sim


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(m for m in sys.modules if m.startswith('sim')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_engine_and_calibration_do_not_import_the_model():
    assert "sim.core.model" not in _modules_after("import sim.core.calibration")
    assert not {"sim.core.model", "sim.core.calibration"} & _modules_after("import sim.core.engine")


@pytest.mark.filterwarnings("ignore:The `iterations` keyword:DeprecationWarning")
def test_batch_run_iterations_gives_different_runs():
    """`rng=None` means a fresh seed, so N iterations (or `rng=[None] * N`) are N different runs."""
    rows = mesa.batch_run(
        sim.DiplomacyModel, parameters={"scenario": "baseline"}, iterations=3, max_steps=12, display_progress=False
    )
    assert len({r["trust_PAK_USA"] for r in rows}) == 3
