"""numba for this package: compiled code cached on disk, found again by every later process, announced once.

Import numba through this module (`from sim.core.jit import njit`): it chooses the cache folder before any of the
package's functions is compiled. numba keys a cached function on its own source file only, so a change to
sim/core/kmath.py would leave sim/core/kernel.py's cached code (which inlines it) stale; the folder is therefore
named by a hash of every compiled module and of the numba and numpy versions, and a change to any of them
compiles afresh.
It lives in `__pycache__` beside the sources, or, where the install is read-only, under the user's diplosim cache
folder (sim.util.diskcache.cache_dir); `NUMBA_CACHE_DIR`, if set, takes the place of both.

Only the commands that simulate import this module: `diplosim --help`, `list`, `show` and `validate` never load
numba. The first command after installing (or after the engine's code changed) compiles the engine, which takes
a while; importing this module says so then, once, on standard error.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba
import numba.extending  # for sim.kmath
import numpy as np
from numba.experimental import structref  # noqa: F401  (for sim.core.kstate)

PACKAGE = Path(__file__).resolve().parent
#: The modules whose compiled functions are cached; a change to any of them means compiling again.
COMPILED = ("jit.py", "kmath.py", "kstate.py", "kdraws.py", "kernel.py", "kprobe.py")
PREFIX = "numba-"

#: Every compiled function: cached, no fast-math (no reassociation, no fused multiply-add: the same bits on any
#: CPU), releasing the GIL so that threads run replications side by side (sim.util.threads).
OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "fastmath": False, "error_model": "numpy"}


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{numba.__version__} {np.__version__}".encode())
    for name in COMPILED:
        digest.update((PACKAGE / name).read_bytes())
    return digest.hexdigest()[:16]


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def _root() -> Path:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    if _writable(PACKAGE / "__pycache__"):
        return PACKAGE / "__pycache__"
    from sim.util.diskcache import cache_dir

    return cache_dir()


CACHE = _root() / f"{PREFIX}{_fingerprint()}"
numba.config.CACHE_DIR = str(CACHE)  # read when each function below is decorated


def njit(function: Callable[..., Any]) -> Any:
    """numba.njit with this package's options."""
    return numba.njit(**OPTIONS)(function)


def inline(function: Callable[..., Any]) -> Any:
    """numba.njit with this package's options, its body inlined where it is called: for the small scalar
    functions the step calls many times each step, so that independent calls can overlap in the processor."""
    return numba.njit(inline="always", **OPTIONS)(function)


_announced = False


def announce_compiling() -> None:
    """Say once, on standard error, that the engine is being compiled when this code has not been compiled into
    its cache folder yet (a stamp in the folder records that it was); remove the folders of older code."""
    global _announced
    if _announced:
        return
    _announced = True
    stamp = CACHE / "compiled"
    if stamp.exists():
        return
    print("diplosim: compiling the engine (once after installing; about a minute)...", file=sys.stderr, flush=True)
    try:
        CACHE.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    except OSError:  # a read-only cache folder: numba then compiles in memory, every time
        return
    for old in CACHE.parent.glob(f"{PREFIX}*"):
        if old != CACHE:
            shutil.rmtree(old, ignore_errors=True)


announce_compiling()
