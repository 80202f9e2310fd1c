"""diplosim: an essay-grounded agent-based model of trust among Pakistan, the US, China and India, on Mesa.

The public API is imported lazily, so `diplosim --help` and config validation stay fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_scenario": "sim.config",
    "list_scenarios": "sim.config",
    "Scenario": "sim.config",
    "ConfigError": "sim.errors",
    "run": "sim.api",
    "compare": "sim.api",
    "Results": "sim.results",
    "Comparison": "sim.comparison",
    "discover": "sim.discovery",
    "DiplomacyModel": "sim.model",
    "Country": "sim.agents",
}

__all__ = [
    "Comparison",
    "ConfigError",
    "Country",
    "DiplomacyModel",
    "Results",
    "Scenario",
    "__version__",
    "compare",
    "discover",
    "list_scenarios",
    "load_scenario",
    "run",
]

if TYPE_CHECKING:
    from sim.agents import Country
    from sim.api import compare, run
    from sim.comparison import Comparison
    from sim.config import Scenario, list_scenarios, load_scenario
    from sim.discovery import discover
    from sim.errors import ConfigError
    from sim.model import DiplomacyModel
    from sim.results import Results


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    if name == "sweep":  # the subpackage, on first use: `import sim; sim.sweep.run(...)`
        return import_module("sim.sweep")
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
