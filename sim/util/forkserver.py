"""The fork server that local process pools start their workers from, started as soon as a command knows it wants one.

A worker forked from the server starts with what the server imported (`preload`), so it takes its first task at
once instead of importing the numerical stack itself. The server imports while the command goes on loading its
input: `diplosim sweep` starts it before anything else (sim.sweep.workers).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from multiprocessing import forkserver
from multiprocessing.context import BaseContext


def context(preload: Sequence[str]) -> BaseContext:
    """The start context for a pool's workers: the fork server, running (started now, importing `preload`, unless
    it already runs); where there is no fork server (Windows), spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))  # read when the server starts: the first call's list counts
    forkserver.ensure_running()  # returns at once; the server imports in the background
    return context
