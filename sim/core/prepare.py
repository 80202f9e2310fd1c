"""What a Batch needs from a user's arguments: replication indices, parameter sets (scalars applied, arrays one
value per replication) and the compiled world with the anchors of each set, calibrated to the status quo.

Mesa-free (like sim.core.batch), so that whole runs (sim.run, sweeps, calibration) load no Mesa; the Mesa model
(sim.core.model.DiplomacyModel) uses the same functions.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ValidationError

from sim.core.anchors import Anchors
from sim.core.calibration import anchors_for_each
from sim.core.world import World, compile_world
from sim.scenario.schema import Parameters, Scenario
from sim.scenario.settings import with_parameters
from sim.util.errors import ConfigError

REPLICATIONS_HINT = "e.g. 500, or [0, 1, 7]"


def replication_indices(replications: int | Sequence[int] | np.ndarray) -> np.ndarray:
    """Replication indices from a count or a sequence of distinct whole numbers >= 0; a ConfigError otherwise.

    Replication r of seed s is the same numbers whichever batch it is in, so any subset can be run alone.
    """
    if isinstance(replications, numbers.Integral) and not isinstance(replications, bool):
        if replications < 1:
            raise ConfigError(f"must be at least 1, got {replications}", key="replications", hint=REPLICATIONS_HINT)
        return np.arange(int(replications), dtype=np.int64)
    if isinstance(replications, str | bytes) or not isinstance(replications, Sequence | np.ndarray):
        raise ConfigError(f"must be a count or a list of indices, got {replications!r}", key="replications")
    values = list(np.asarray(replications).ravel()) if isinstance(replications, np.ndarray) else list(replications)
    if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        bad = next(v for v in values if not isinstance(v, numbers.Integral) or isinstance(v, bool))
        raise ConfigError(
            f"each replication index must be a whole number, got {bad!r}", key="replications", hint=REPLICATIONS_HINT
        )
    if not values or min(values) < 0 or len(set(values)) < len(values):
        raise ConfigError(
            "must be a count or a list of distinct indices >= 0", key="replications", hint=REPLICATIONS_HINT
        )
    return np.asarray(values, dtype=np.int64)


@dataclass(frozen=True)
class ParameterSets:
    """The scenario with its scalar parameters applied, the distinct parameter sets, and each replication's."""

    config: Scenario
    sets: list[Parameters]
    rows: np.ndarray

    @classmethod
    def of(cls, spec: Scenario, parameters: Mapping[str, Any], replications: int) -> ParameterSets:
        """Scalars are applied to the scenario (validated like a config file); each array must hold one value per
        replication, and every distinct combination is validated the same way."""
        arrays = {k: np.asarray(v, np.float64) for k, v in parameters.items() if np.ndim(v) > 0}
        config = with_parameters(spec, {k: v for k, v in parameters.items() if k not in arrays})
        if not arrays:
            return cls(config, [config.parameters], np.zeros(replications, np.int64))
        for key, values in arrays.items():
            if values.shape != (replications,):
                raise ConfigError(
                    f"needs one value per replication ({replications}), got an array of shape {values.shape}",
                    key=f"parameters.{key}",
                    hint="give a number, or an array as long as the replications",
                )
        table, rows = np.unique(np.column_stack(list(arrays.values())), axis=0, return_inverse=True)
        base = config.parameters.model_dump()
        sets = []
        for row in table:
            values = {k: float(v) for k, v in zip(arrays, row, strict=True)}
            try:
                sets.append(Parameters.model_validate({**base, **values}))
            except ValidationError:
                with_parameters(config, values)  # raises the ConfigError a config file would get
                raise
        return cls(config, sets, rows.reshape(-1).astype(np.int64))


def calibrated(config: Scenario, sets: Sequence[Parameters] | None = None) -> tuple[World, list[Anchors]]:
    """A checked scenario (parameters applied) compiled, with its anchors calibrated to the status quo
    (sim.core.calibration) for each parameter set (default: the scenario's): what a Batch needs besides its
    replications."""
    world = compile_world(config)
    return world, anchors_for_each(config, [config.parameters] if sets is None else sets, world)
