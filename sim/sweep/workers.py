"""The modules a sweep's local workers start with, and starting their fork server early.

Light (the standard library only): `diplosim sweep` calls `start` before it imports anything else, so the server
imports the sweep's tasks and loads the compiled engine while the command loads the sweep (about 1.5 s earlier).
"""

from __future__ import annotations

from multiprocessing.context import BaseContext

from sim.util import forkserver, threads

#: What a worker's fork server imports: the engine warm (sim.core.warm), then the tasks' module.
ENGINE = "sim.core.warm"
PRELOAD = ("sim.sweep.tasks",)


def local(workers: int | None) -> int:
    """How many local worker processes `workers` (the --workers option) asks for: the cores by default."""
    return threads.cores() if workers is None else workers


def start(preload: tuple[str, ...] = PRELOAD) -> BaseContext:
    """The fork server for workers running tasks of the modules `preload` (sim.util.forkserver.context)."""
    return forkserver.context([ENGINE, *preload])
