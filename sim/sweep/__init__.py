"""Parameter sweeps and sensitivity analysis: design -> chunks -> executor -> store -> tables and figures.

    import sim.sweep
    result = sim.sweep.run("scenarios/sweeps/pressure_intensity.toml", out="results/pressure", workers=2)
    result.table          # one row per point: its parameters, each outcome's mean, p05, p95
    result.sensitivity    # Sobol S1/ST or Morris mu*/sigma per outcome and parameter (or None)
    sim.sweep.replications("results/pressure")   # xarray: every replication's outcomes [point, replication, outcome]
    sim.sweep.read("results/pressure")           # the same SweepResult, from the folder

Imported lazily, so `diplosim sweep --help` does not load the numerical stack.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "load": ("sim.sweep.spec", "load_sweep"),
    "Sweep": ("sim.sweep.spec", "Sweep"),
    "run": ("sim.sweep.api", "run"),
    "SweepResult": ("sim.sweep.result", "SweepResult"),
    "read": ("sim.sweep.result", "read"),
    "Interrupted": ("sim.sweep.api", "Interrupted"),
    "replications": ("sim.sweep.analyze", "replications"),
}

__all__ = ["Interrupted", "Sweep", "SweepResult", "load", "read", "replications", "run"]

if TYPE_CHECKING:
    from sim.sweep.analyze import replications
    from sim.sweep.api import Interrupted, run
    from sim.sweep.result import SweepResult, read
    from sim.sweep.spec import Sweep
    from sim.sweep.spec import load_sweep as load


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, attr = _EXPORTS[name]
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'sim.sweep' has no attribute {name!r}")
