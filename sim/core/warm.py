"""Importing this module loads the engine's compiled code (from numba's cache, or compiling it the first time).

A process pool's fork server imports it (sim.sweep.execute.Pool), so that every worker forked from the server
starts with the engine loaded instead of loading it again before its first task (about 0.3 s each). Workers run
whole runs (sim.core.batch), so neither this module nor they load Mesa.
"""

from __future__ import annotations

import numpy as np

from sim.core.batch import Batch
from sim.core.prepare import calibrated
from sim.scenario.load import load_scenario

# One replication of one step of the bundled baseline, with the status quo's calibration: it calls every compiled
# function a whole run calls (the types are the same for any world, so any scenario then finds them loaded).
_spec = load_scenario("baseline")
_world, _anchors = calibrated(_spec)
Batch(_spec, np.zeros(1, np.int64), seed=0, anchors=_anchors, steps=1, world=_world, record=False).run()
