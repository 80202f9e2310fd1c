"""diplosim: an essay-grounded agent-based model of trust among Pakistan, the US, China and India, on Mesa.

The public API is imported lazily, so `diplosim --help` and config validation stay fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from sim.util.version import __version__

_EXPORTS = {
    "load_scenario": "sim.scenario.load",
    "list_scenarios": "sim.scenario.load",
    "Scenario": "sim.scenario.schema",
    "ConfigError": "sim.util.errors",
    "run": "sim.runs.api",
    "compare": "sim.runs.api",
    "Results": "sim.runs.results",
    "Comparison": "sim.runs.comparison",
    "discover": "sim.discovery.prim",
    "score": "sim.fit.api:score_api",
    "calibrate": "sim.fit.api:calibrate_api",
    "DiplomacyModel": "sim.core.model",
    "Country": "sim.core.agents",
}

__all__ = [
    "Comparison",
    "ConfigError",
    "Country",
    "DiplomacyModel",
    "Results",
    "Scenario",
    "__version__",
    "calibrate",
    "compare",
    "discover",
    "list_scenarios",
    "load_scenario",
    "run",
    "score",
]

if TYPE_CHECKING:
    from sim.core.agents import Country
    from sim.core.model import DiplomacyModel
    from sim.discovery.prim import discover
    from sim.fit.api import calibrate_api as calibrate
    from sim.fit.api import score_api as score
    from sim.runs.api import compare, run
    from sim.runs.comparison import Comparison
    from sim.runs.results import Results
    from sim.scenario.load import list_scenarios, load_scenario
    from sim.scenario.schema import Scenario
    from sim.util.errors import ConfigError


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, _, attribute = _EXPORTS[name].partition(":")
        return getattr(import_module(module), attribute or name)
    if name == "sweep":  # the subpackage, on first use: `import sim; sim.sweep.run(...)`
        return import_module("sim.sweep")
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
