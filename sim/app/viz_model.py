"""`VizModel`: DiplomacyModel shaped for Mesa's SolaraViz (one replication, Play / Step / Reset).

Mesa 3.5's `Model` keeps its own `scenario` (a `mesa.experimental.scenarios.Scenario` holding the seed), and
SolaraViz's Reset rebuilds the model as `type(model)(**parameters, scenario=<a fresh Mesa Scenario>)`. Passed
straight to DiplomacyModel, that Mesa object lands in its `scenario` argument, which names a diplosim scenario,
and Reset crashes. Here the diplosim scenario is `scenario_name` and `scenario` takes Mesa's, so every Mesa
convention holds: keyword parameters, `rng`, a DataCollector, `running`.
"""

from __future__ import annotations

from typing import Any

from sim.app.sources import open_scenario
from sim.core.model import DiplomacyModel
from sim.util.errors import ConfigError


class VizModel(DiplomacyModel):
    """One replication of a diplosim scenario, for Mesa's SolaraViz.

    Args:
        scenario_name: a bundled scenario's name or a path to a scenario file (sim.app.sources.folders()).
        rng: the seed; SolaraViz's seed box gives it as text, so whole numbers as text are accepted.
        steps: run length (default: the scenario's).
        scenario: Mesa's own scenario object, as SolaraViz's Reset passes it; its seed is used if `rng` is None.
        **parameters: model parameters (alpha, mu, beta, half_life, sigma, ...) overriding the scenario's.
    """

    def __init__(
        self,
        scenario_name: str = "baseline",
        *,
        rng: int | str | None = None,
        steps: int | None = None,
        scenario: Any = None,
        **parameters: Any,
    ) -> None:
        if rng is None and scenario is not None:
            rng = getattr(scenario, "rng", None)
        spec, _ = open_scenario(scenario_name)  # a client's choice: only from the places the docs name
        super().__init__(spec, 1, rng=_seed(rng), steps=steps, **parameters)


def _seed(rng: int | str | None) -> int | None:
    """None, or the seed as a whole number >= 0 (a clear error for anything else)."""
    if rng is None or (isinstance(rng, str) and not rng.strip()):
        return None
    try:
        seed = int(rng)
    except (TypeError, ValueError):
        seed = -1
    if seed < 0 or (isinstance(rng, float) and not rng.is_integer()):
        raise ConfigError(f"'{rng}' is not a seed", key="rng", hint="a whole number >= 0, e.g. 42")
    return seed
