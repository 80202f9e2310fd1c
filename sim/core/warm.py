"""Importing this module loads the engine's compiled code (from numba's cache, or compiling it the first time).

A process pool's fork server imports it (sim.sweep.execute.Pool), so that every worker forked from the server
starts with the engine loaded instead of loading it again before its first task (about 0.3 s each).
"""

from __future__ import annotations

from sim.core.model import DiplomacyModel

# One replication of one step of the bundled baseline, with the status quo's calibration: it calls every compiled
# function a run calls (the types are the same for any world, so any scenario then finds them loaded).
DiplomacyModel("baseline", replications=1, steps=1, rng=0, record=False).run()
